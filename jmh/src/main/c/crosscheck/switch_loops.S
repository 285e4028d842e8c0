/*
 * The stack switch of switch_loops.c, written again for the cross-check (no code shared with
 * jmh/src/main/c/asm_switch.S): save the System V callee-saved state (rbp, rbx, r12-r15, MXCSR,
 * the x87 control word) on the current stack, store rsp through the first argument, load the
 * second as rsp, restore the same state from there, and resume the other side.
 *
 *   void xc_switch_ret(void **save_sp, void *next_sp)   resumes with ret
 *   void xc_switch_jmp(void **save_sp, void *next_sp)   resumes with pop + indirect jmp
 *
 * Frame, lowest address first: [0] MXCSR (4 B) [4] x87 CW (2 B) [8] r15 r14 r13 r12 rbx rbp,
 * then the return address.
 */
        .macro  SWAP
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        sub     $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        mov     %rsp, (%rdi)
        mov     %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        add     $8, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        .endm

        .text
        .globl  xc_switch_ret
        .type   xc_switch_ret, @function
xc_switch_ret:
        SWAP
        ret
        .size   xc_switch_ret, .-xc_switch_ret

        .globl  xc_switch_jmp
        .type   xc_switch_jmp, @function
xc_switch_jmp:
        SWAP
        pop     %rcx
        jmp     *%rcx
        .size   xc_switch_jmp, .-xc_switch_jmp

        .section .note.GNU-stack,"",@progbits
