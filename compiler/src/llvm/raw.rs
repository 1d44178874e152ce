//! Every call kiln makes to LLVM's C API directly, past inkwell: what
//! inkwell does not offer. Each is a thin, safe wrapper whose contract is
//! checked here.

use inkwell::passes::PassBuilderOptions;
use inkwell::targets::TargetMachine;
use inkwell::values::AsValueRef;

/// Whether `v` is a `ConstantFP` (inkwell's `get_constant` assumes one).
pub fn is_constant_fp(v: inkwell::values::FloatValue) -> bool {
    // SAFETY: LLVMIsAConstantFP only inspects the kind of a live value.
    unsafe { !llvm_sys::core::LLVMIsAConstantFP(v.as_value_ref()).is_null() }
}

/// Whether `v` is an inline assembly value.
pub fn is_inline_asm(v: impl AsValueRef) -> bool {
    // SAFETY: LLVMIsAInlineAsm only inspects the kind of a live value.
    unsafe { !llvm_sys::core::LLVMIsAInlineAsm(v.as_value_ref()).is_null() }
}

/// Give LLVM's global options `args` (as its command line would), once,
/// before any other use of LLVM.
pub fn parse_command_line_options(args: &[&str]) {
    let argv: Vec<std::ffi::CString> = std::iter::once("kiln")
        .chain(args.iter().copied())
        .filter_map(|a| std::ffi::CString::new(a).ok())
        .collect();
    let ptrs: Vec<*const std::os::raw::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: `ptrs` points into `argv`, both alive for the call; LLVM copies
    // what it keeps.
    unsafe {
        llvm_sys::support::LLVMParseCommandLineOptions(
            ptrs.len() as i32,
            ptrs.as_ptr(),
            std::ptr::null(),
        )
    };
}

/// Select instructions fast (as at -O0), falling back to the DAG selector
/// for what the fast selector cannot handle.
pub fn set_fast_instruction_selection(tm: &TargetMachine) {
    // SAFETY: `tm` is a live target machine.
    unsafe { llvm_sys::target_machine::LLVMSetTargetMachineFastISel(tm.as_mut_ptr(), 1) };
}

/// The inliner's threshold for the pipelines run with `options`.
pub fn set_inliner_threshold(options: &PassBuilderOptions, threshold: i32) {
    // SAFETY: `options` is a live pass-builder options object, and the call
    // only stores the number in it.
    unsafe {
        llvm_sys::transforms::pass_builder::LLVMPassBuilderOptionsSetInlinerThreshold(
            options.as_mut_ptr(),
            threshold,
        );
    }
}
