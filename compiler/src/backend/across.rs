//! Inlining across the core modules of a component. A module whose
//! functions other modules call directly (their known imports) offers the
//! optimized IR of the small ones, as `available_externally` definitions
//! in a bitcode module of their own; a caller's unit that declares one of
//! them links that module in before its pipeline runs, so LLVM may inline
//! the callee where it pays, and drops what it did not inline. The
//! callee's own object still defines every function.
//!
//! A function is offered only if everything it refers to is a symbol of
//! the final object (a function or global of external linkage), not a
//! private constant or helper of its own unit, which the caller's unit
//! could not reach.

use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::{Linkage, Module};
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::TargetMachine;
use inkwell::values::{AsValueRef, FunctionValue};
use llvm_sys::core as c;
use llvm_sys::prelude::LLVMValueRef;
use llvm_sys::LLVMLinkage;

/// The IR of functions a module offers for inlining.
#[derive(Clone, Debug)]
pub struct Bodies {
    /// The offered functions' symbols.
    pub symbols: Vec<String>,
    /// A bitcode module defining them `available_externally`, and
    /// declaring what they refer to.
    pub bitcode: Vec<u8>,
}

/// The most instructions an offered function may have: calls across a
/// component boundary worth inlining are to small functions, and a large
/// one would only cost parse time in every caller's unit.
const MAX_INSTRUCTIONS: usize = 200;

/// After optimization: the functions of `module` among `symbols` that may
/// be inlined elsewhere, as a bitcode module; `None` if there are none.
pub fn offer(module: &Module, symbols: &[String], tm: &TargetMachine) -> Option<Bodies> {
    let offered: Vec<String> = symbols
        .iter()
        .filter(|s| {
            module
                .get_function(s)
                .is_some_and(|f| f.count_basic_blocks() > 0 && small(f) && reaches_only_symbols(f))
        })
        .cloned()
        .collect();
    if offered.is_empty() {
        return None;
    }
    let copy = module.clone();
    for f in copy.get_functions().collect::<Vec<_>>() {
        let name = f.get_name().to_string_lossy().into_owned();
        if f.count_basic_blocks() > 0 && !offered.contains(&name) {
            to_declaration(&copy, f);
        }
    }
    for g in copy.get_globals().collect::<Vec<_>>() {
        let linkage = g.get_linkage();
        if linkage == Linkage::Appending {
            // `llvm.used` and the like: their unit's business.
            // SAFETY: nothing refers to an appending global.
            unsafe { g.delete() };
        } else if !local(linkage) && g.get_initializer().is_some() {
            // SAFETY: a null initializer makes the global a declaration;
            // its definition stays in its own unit's object.
            unsafe { c::LLVMSetInitializer(g.as_value_ref(), std::ptr::null_mut()) };
            g.set_linkage(Linkage::External);
        }
    }
    // What only the dropped bodies used goes; the offered functions are
    // still external definitions here, so they stay.
    copy.run_passes("globaldce", tm, PassBuilderOptions::create())
        .ok()?;
    for s in &offered {
        let f = copy.get_function(s).expect("an offered function");
        f.as_global_value()
            .set_linkage(Linkage::AvailableExternally);
        // Its stack check is its own unit's business; a caller that
        // inlines it has its own.
        f.remove_string_attribute(
            inkwell::attributes::AttributeLoc::Function,
            crate::translate::stack_check::ATTRIBUTE,
        );
        trap_where_inlined(f);
    }
    copy.verify().ok()?;
    Some(Bodies {
        symbols: offered,
        bitcode: copy.write_bitcode_to_memory().as_slice().to_vec(),
    })
}

/// Link into `module` each of `bodies` that defines a function it
/// declares.
pub fn take<'ctx>(cx: &'ctx Context, module: &Module<'ctx>, bodies: &[Bodies]) {
    for b in bodies {
        let wanted = b.symbols.iter().any(|s| {
            module
                .get_function(s)
                .is_some_and(|f| f.count_basic_blocks() == 0)
        });
        if !wanted {
            continue;
        }
        let buffer = MemoryBuffer::create_from_memory_range_copy(&b.bitcode, "offered");
        // Bitcode this compile wrote a moment ago: if LLVM cannot read or
        // link it, the calls simply stay calls.
        if let Ok(m) = Module::parse_bitcode_from_buffer(&buffer, cx) {
            // Not inkwell's `link_in_module`, which leaves a diagnostic
            // handler on the context pointing at its own stack frame.
            // SAFETY: both modules live in `cx`; the linker takes and
            // destroys `m`, so it is forgotten, not dropped.
            unsafe {
                llvm_sys::linker::LLVMLinkModules2(module.as_mut_ptr(), m.as_mut_ptr());
            }
            std::mem::forget(m);
        }
    }
}

/// Make each trap instruction of `f` (`ud2`, its code, the function
/// index of this module) report the function it ends up in: inlined into
/// another module, the index would name one of that module's functions.
fn trap_where_inlined(f: FunctionValue) {
    let prefix = "ud2\n\t.byte ";
    for b in f.get_basic_block_iter() {
        for i in b.get_instructions() {
            let call = i.as_value_ref();
            // SAFETY: reading and replacing the callee operand of a call
            // instruction of the module being written, with inline asm of
            // the same function type; nothing else refers to the old asm.
            unsafe {
                if c::LLVMIsACallInst(call).is_null() {
                    continue;
                }
                let asm = c::LLVMGetCalledValue(call);
                if c::LLVMIsAInlineAsm(asm).is_null() {
                    continue;
                }
                let mut len = 0;
                let text = c::LLVMGetInlineAsmAsmString(asm, &mut len);
                let text = std::slice::from_raw_parts(text as *const u8, len);
                let Some(text) = std::str::from_utf8(text)
                    .ok()
                    .filter(|t| t.starts_with(prefix))
                else {
                    continue;
                };
                let Some(at) = text.find("\n\t.long ") else {
                    continue;
                };
                let new = format!("{}\n\t.long {}", &text[..at], kiln_abi::TRAP_AT_PC);
                let ty = c::LLVMGetCalledFunctionType(call);
                let replacement = c::LLVMGetInlineAsm(
                    ty,
                    new.as_ptr() as *const _,
                    new.len(),
                    c"".as_ptr(),
                    0,
                    1,
                    0,
                    llvm_sys::LLVMInlineAsmDialect::LLVMInlineAsmDialectATT,
                    0,
                );
                let callee = c::LLVMGetNumOperands(call) - 1;
                c::LLVMSetOperand(call, callee as u32, replacement);
            }
        }
    }
}

fn local(l: Linkage) -> bool {
    matches!(l, Linkage::Private | Linkage::Internal)
}

fn small(f: FunctionValue) -> bool {
    let count: usize = f
        .get_basic_block_iter()
        .map(|b| b.get_instructions().count())
        .sum();
    count <= MAX_INSTRUCTIONS
}

/// Whether every global value `f`'s instructions refer to, directly or
/// through constant expressions, is a symbol another unit can reach.
fn reaches_only_symbols(f: FunctionValue) -> bool {
    f.get_basic_block_iter().all(|b| {
        b.get_instructions()
            .all(|i| operands_are_symbols(i.as_value_ref(), 0))
    })
}

fn operands_are_symbols(v: LLVMValueRef, depth: u32) -> bool {
    // SAFETY: `v` is a live value of the module being read (an
    // instruction or a constant operand of one); these calls only read.
    unsafe {
        if depth > 0 && !c::LLVMIsAGlobalValue(v).is_null() {
            return !matches!(
                c::LLVMGetLinkage(v),
                LLVMLinkage::LLVMPrivateLinkage | LLVMLinkage::LLVMInternalLinkage
            );
        }
        if depth > 0 && c::LLVMIsAConstant(v).is_null() {
            // An instruction, argument or block: its own operands are
            // looked at where they are defined.
            return true;
        }
        if depth > 8 {
            return false;
        }
        let n = c::LLVMGetNumOperands(v);
        (0..n.max(0) as u32).all(|k| {
            let o = c::LLVMGetOperand(v, k);
            o.is_null() || operands_are_symbols(o, depth + 1)
        })
    }
}

/// Replace `f`'s definition in `module` by a declaration of the same
/// symbol, of external linkage (a local function's, too: nothing that
/// survives refers to it, and a declaration cannot be local).
fn to_declaration<'ctx>(module: &Module<'ctx>, f: FunctionValue<'ctx>) {
    let name = f.get_name().to_string_lossy().into_owned();
    let decl = module.add_function("kiln.across.tmp", f.get_type(), Some(Linkage::External));
    let visibility = match local(f.as_global_value().get_linkage()) {
        true => inkwell::GlobalVisibility::Default,
        false => f.as_global_value().get_visibility(),
    };
    decl.as_global_value().set_visibility(visibility);
    f.replace_all_uses_with(decl);
    // SAFETY: every use now refers to `decl`; `f` is not used again.
    unsafe { f.delete() };
    decl.as_global_value().set_name(&name);
}
