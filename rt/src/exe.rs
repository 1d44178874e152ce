//! `main` of a static executable built by `kiln build`: the objects that
//! kiln compiled define `kiln_entry`, the program's kind and descriptor.

use std::ffi::{c_char, c_int, CStr};

/// dlmalloc for the runtime's own allocations: musl's allocator maps and
/// unmaps memory for every new size class, and loading a large component
/// (thousands of function types, imports, exports) spent a fifth of the
/// start of a Python hello in mmap and munmap. Its memory comes populated
/// (`sys::heap`).
#[global_allocator]
static ALLOCATOR: crate::sys::heap::Heap = crate::sys::heap::Heap::new();

extern "C" {
    static kiln_entry: [usize; 2];
}

/// What the executable runs.
enum Program {
    Module(&'static crate::Module),
    Component(&'static crate::component::Component),
}

impl Program {
    fn load() -> Result<Program, crate::LoadError> {
        // SAFETY: the linked kiln objects define the entry as static data,
        // pointing at a descriptor of its kind.
        let [kind, desc] = unsafe { kiln_entry };
        if kind as u64 == kiln_abi::symbols::ENTRY_COMPONENT {
            // SAFETY: as above: a component descriptor.
            unsafe { crate::component::Component::from_descriptor(desc as *const usize) }
                .map(Program::Component)
        } else {
            // SAFETY: as above: a module descriptor.
            unsafe { crate::Module::from_descriptor(desc as *const usize) }.map(Program::Module)
        }
    }

    fn settings(&self) -> Option<&str> {
        match self {
            Program::Module(m) => m.program.as_deref(),
            Program::Component(c) => c.program.as_deref(),
        }
    }
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
    let program_kind = match Program::load() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{program}: {e}");
            return crate::entry::ERROR_EXIT;
        }
    };
    let mut settings = crate::entry::Settings::from_text(program_kind.settings().unwrap_or(""));
    settings.override_from_environment();
    settings.exit_when_done = true;
    if let (Some(addr), Program::Component(c)) = (&settings.serve, &program_kind) {
        return match serve_address(&args[1..], addr) {
            Ok(addr) => crate::serve::serve(c, &program, &settings, &addr),
            Err(e) => {
                eprintln!("{program}: {e}");
                crate::entry::ERROR_EXIT
            }
        };
    }
    // A thread of known stack size: the main thread's is whatever the
    // environment gave it, and musl cannot tell how far it may grow.
    let runner = std::thread::Builder::new()
        .stack_size(settings.thread_stack_size())
        .spawn(move || match program_kind {
            Program::Module(m) => crate::entry::run_program(m, &program, &settings, args),
            Program::Component(c) => {
                crate::component::program::run_component(c, &program, &settings, args)
            }
        });
    match runner.map(|t| t.join()) {
        Ok(Ok(status)) => status,
        _ => {
            eprintln!("cannot start the wasm thread");
            crate::entry::ERROR_EXIT
        }
    }
}

/// The address a server executable listens on: `--addr HOST:PORT` (or
/// `--addr=HOST:PORT`) if given, else the one it was built with.
fn serve_address(args: &[String], built: &str) -> Result<String, String> {
    let mut addr = built.to_string();
    let mut args = args.iter();
    while let Some(a) = args.next() {
        match a.strip_prefix("--addr") {
            Some("") => addr = args.next().ok_or("--addr needs HOST:PORT")?.clone(),
            Some(v) if v.starts_with('=') => addr = v[1..].to_string(),
            _ => {
                return Err(format!(
                    "unknown argument {a:?}; a server takes only --addr HOST:PORT"
                ))
            }
        }
    }
    Ok(addr)
}
