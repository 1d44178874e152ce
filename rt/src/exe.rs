//! `main` of a static executable built by `kiln build`: the object that
//! kiln compiled defines the module descriptor `kiln_module`.

use std::ffi::{c_char, c_int, CStr};

extern "C" {
    static kiln_module: [usize; kiln_abi::descriptor::FIELDS as usize];
}

#[no_mangle]
pub extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    // SAFETY: argv holds argc valid C strings, as the C runtime promises.
    let args: Vec<String> = (0..argc as usize)
        .map(|i| {
            unsafe { CStr::from_ptr(*argv.add(i)) }
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let program = args.first().cloned().unwrap_or_else(|| "wasm".into());
    // SAFETY: the linked kiln object defines the descriptor; it is static data.
    let module = match unsafe {
        crate::Module::from_descriptor(std::ptr::addr_of!(kiln_module) as *const usize)
    } {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{program}: {e}");
            return crate::entry::ERROR_EXIT;
        }
    };
    let mut settings = crate::entry::Settings::from_text(module.program.as_deref().unwrap_or(""));
    settings.override_from_environment();
    // A thread of known stack size: the main thread's is whatever the
    // environment gave it, and musl cannot tell how far it may grow.
    let runner = std::thread::Builder::new()
        .stack_size(settings.thread_stack_size())
        .spawn(move || crate::entry::run_program(module, &program, &settings, args));
    match runner.map(|t| t.join()) {
        Ok(Ok(status)) => status,
        _ => {
            eprintln!("cannot start the wasm thread");
            crate::entry::ERROR_EXIT
        }
    }
}
