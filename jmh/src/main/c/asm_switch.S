/*
 * The floor of a stackful switch on x86-64 System V: save what the ABI says a callee must
 * preserve, swap the stack pointer, restore the other side's copy. Nothing else — no signal
 * mask (so no syscall), no shadow stack, no caller-saved registers (the C compiler has already
 * spilled those around the call, because to it this is just a function call).
 *
 *   void cl_asm_switch(void **save_sp, void *next_sp)       resumes with ret
 *   void cl_asm_switch_jmp(void **save_sp, void *next_sp)   resumes with pop + indirect jmp
 *
 * Why two: `ret` into the other stack's call site never matches the return stack buffer (its
 * top entry is this side's call), so every switch through `ret` should pay a mispredicted
 * return; popping the return address and jumping to it goes through the indirect-branch
 * predictor instead, which can learn the alternating targets (Boost.Context's x86-64
 * jump_fcontext ends in an indirect jmp). On this machine (Intel Xeon @ 2.80GHz, a KVM guest,
 * 2026-11) the measurement says otherwise: the ret form costs about 11 ns per switch from the
 * first switch on; the pop + jmp form costs about 4 ns for the first call of a loop (some
 * thousands of switches) and about 60 ns in every later call, in a plain C process as in the
 * JVM, with or without other code in between. 60 ns is ~170 cycles, more than a branch
 * mispredict; the cause is not known (no PMU in this VM to count branch misses or machine
 * clears). So `cl_asm_switch`, the floor of the ladder, is the ret form, and the jmp form stays
 * as its own rung. The two are interchangeable: same frame, so one side may use either.
 *
 * Frame pushed on the current stack, lowest address first (this is also the layout that
 * asm_switch.c writes onto a fresh coroutine stack):
 *   [sp+0] MXCSR (4 bytes)  [sp+4] x87 control word (2 bytes)  [sp+6] unused
 *   [sp+8] r15  r14  r13  r12  rbx  rbp   [sp+56] return address
 * MXCSR's control bits and the x87 control word are callee-saved per the ABI (section 3.2.1):
 * a coroutine that changes the rounding mode must not change it for the other side.
 */
        .macro  SAVE_AND_SWAP
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        .endm

/* The switches share one section with the loops of asm_switch.c that call them (HOT_WITH_THE_SWITCH
 * there), which the linker places together, starting here on a 256-byte boundary: see that file's
 * header for why the loops and the switch must not lie on different pages. */
        .section .text.hot.asm_switch, "ax", @progbits
        .p2align 8
        .globl  cl_asm_switch
        .type   cl_asm_switch, @function
cl_asm_switch:
        .cfi_startproc
        SAVE_AND_SWAP
        ret
        .cfi_endproc
        .size   cl_asm_switch, .-cl_asm_switch

        .globl  cl_asm_switch_jmp
        .type   cl_asm_switch_jmp, @function
cl_asm_switch_jmp:
        .cfi_startproc
        SAVE_AND_SWAP
        popq    %rcx
        jmp     *%rcx
        .cfi_endproc
        .size   cl_asm_switch_jmp, .-cl_asm_switch_jmp

/*
 * First code a fresh coroutine runs: cl_asm_switch "returns" here with r12 = entry function and
 * r13 = its argument (asm_switch.c put them in the initial frame). The entry must never return.
 */
        .text                               /* the rest runs once a coroutine, or in tests */
        .globl  cl_asm_trampoline
        .type   cl_asm_trampoline, @function
cl_asm_trampoline:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r13, %rdi
        callq   *%r12
        ud2
        .cfi_endproc
        .size   cl_asm_trampoline, .-cl_asm_trampoline

/*
 * The register-preservation probe, in assembly because C cannot promise what is in rbx or rbp.
 *
 *   int cl_asm_probe_callee_saved(void **save_sp, void *next_sp, void (*switch_fn)(void **, void *))
 *
 * Loads distinct patterns into rbx, rbp, r12-r15, a non-default rounding mode into MXCSR and
 * the x87 control word, switches to next_sp (a coroutine that clobbers all of them and switches
 * back), then compares. Returns a bit mask of what changed: bit 0 rbx, 1 rbp, 2 r12, 3 r13,
 * 4 r14, 5 r15, 6 MXCSR, 7 x87 control word; 0 means everything survived. The caller's own
 * registers, MXCSR and control word are restored before returning.
 */
        .globl  cl_asm_probe_callee_saved
        .type   cl_asm_probe_callee_saved, @function
cl_asm_probe_callee_saved:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $24, %rsp                   /* 6 pushes + 24 = 72: rsp is 16-aligned at the call */
        stmxcsr 0(%rsp)                     /* the caller's MXCSR and control word, put back at the end */
        fnstcw  4(%rsp)
        movl    $0x3f80, 8(%rsp)            /* MXCSR: all exceptions masked, round toward -inf */
        ldmxcsr 8(%rsp)
        movw    $0x077f, 12(%rsp)           /* x87: round toward -inf, 64-bit precision */
        fldcw   12(%rsp)
        movabsq $0x1111111111111111, %rbx
        movabsq $0x2222222222222222, %rbp
        movabsq $0x3333333333333333, %r12
        movabsq $0x4444444444444444, %r13
        movabsq $0x5555555555555555, %r14
        movabsq $0x6666666666666666, %r15
        call    *%rdx
        xorl    %eax, %eax
        movabsq $0x1111111111111111, %rcx
        cmpq    %rcx, %rbx
        je      1f
        orl     $0x01, %eax
1:      movabsq $0x2222222222222222, %rcx
        cmpq    %rcx, %rbp
        je      2f
        orl     $0x02, %eax
2:      movabsq $0x3333333333333333, %rcx
        cmpq    %rcx, %r12
        je      3f
        orl     $0x04, %eax
3:      movabsq $0x4444444444444444, %rcx
        cmpq    %rcx, %r13
        je      4f
        orl     $0x08, %eax
4:      movabsq $0x5555555555555555, %rcx
        cmpq    %rcx, %r14
        je      5f
        orl     $0x10, %eax
5:      movabsq $0x6666666666666666, %rcx
        cmpq    %rcx, %r15
        je      6f
        orl     $0x20, %eax
6:      stmxcsr 16(%rsp)
        cmpl    $0x3f80, 16(%rsp)
        je      7f
        orl     $0x40, %eax
7:      fnstcw  20(%rsp)
        cmpw    $0x077f, 20(%rsp)
        je      8f
        orl     $0x80, %eax
8:      ldmxcsr 0(%rsp)
        fldcw   4(%rsp)
        addq    $24, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .cfi_endproc
        .size   cl_asm_probe_callee_saved, .-cl_asm_probe_callee_saved

/*
 * The other side of the probe: a coroutine entry (rdi = pointer to two stack-pointer slots,
 * {prober_sp, self_sp}) that overwrites every callee-saved register, MXCSR and the control word
 * with different values, then switches back to the prober; forever.
 */
        .globl  cl_asm_clobber_entry
        .type   cl_asm_clobber_entry, @function
cl_asm_clobber_entry:
        .cfi_startproc
        movq    %rdi, %rax
        subq    $8, %rsp                    /* entered like a called function: realign to 16 */
        movl    $0x7f80, 0(%rsp)            /* MXCSR: round toward zero */
        ldmxcsr 0(%rsp)
        movw    $0x0c7f, 4(%rsp)            /* x87: round toward zero */
        fldcw   4(%rsp)
9:      movabsq $0xdead00000000beef, %rbx
        movq    %rbx, %rbp
        movq    %rbx, %r12
        movq    %rbx, %r13
        movq    %rbx, %r14
        movq    %rbx, %r15
        pushq   %rax                        /* keep the slots pointer; rsp stays 16-aligned */
        subq    $8, %rsp
        leaq    8(%rax), %rdi               /* save this side's sp in slots[1] */
        movq    0(%rax), %rsi               /* and go back to the prober */
        call    cl_asm_switch
        addq    $8, %rsp
        popq    %rax
        jmp     9b
        .cfi_endproc
        .size   cl_asm_clobber_entry, .-cl_asm_clobber_entry

        .section .note.GNU-stack,"",@progbits
