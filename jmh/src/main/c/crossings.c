/*
 * Targets for the Java->native crossing benchmarks: functions that do nothing, so what is
 * measured is the crossing itself (FFM, jnr-ffi, JNI), and getpid through each path.
 */
#include <jni.h>
#include <stdint.h>
#include <unistd.h>

int64_t cl_crossing_empty(void) {
    return 42;
}

JNIEXPORT jlong JNICALL Java_io_contextlab_syscalls_CrossingsJni_empty(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return 42;
}

/* glibc >= 2.25 no longer caches getpid: every call enters the kernel. */
JNIEXPORT jint JNICALL Java_io_contextlab_syscalls_CrossingsJni_getpid(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return getpid();
}
