package io.contextlab.servers;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap of a Java model's JVM after a full GC, read from the driver: the attach API starts the
 * target's local JMX agent (what {@code jcmd <pid> ManagementAgent.start_local} does), then
 * MemoryMXBean.gc() (System.gc(): a full collection under the models' ParallelGC, what
 * {@code jcmd <pid> GC.run} does) and the heap used right after it. One connection serves both
 * readings of the memory step (idle, then with the idle connections open), so the agent's own
 * threads exist in both. In-process attach costs a fraction of a jcmd process start each.
 */
final class JavaHeap implements AutoCloseable {
    private final JMXConnector connector;
    private final MemoryMXBean memory;

    private JavaHeap(JMXConnector connector, MemoryMXBean memory) {
        this.connector = connector;
        this.memory = memory;
    }

    static JavaHeap attach(long pid) throws IOException {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to " + pid + ": " + e.getMessage(), e);
        }
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address));
        MBeanServerConnection mbs = c.getMBeanServerConnection();
        return new JavaHeap(c, ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class));
    }

    /** Heap used (KiB) right after a full GC. */
    long afterGcKb() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed() / 1024;
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the server goes on without its JMX client
        }
    }
}
