//! Running a module as a program: instantiate, call `_start` or a named
//! export with arguments from the command line, print results, and turn the
//! outcome into an exit status. Shared by `kiln run` and built executables.

use crate::error::ArgumentError;
use crate::wasi::WasiConfig;
use crate::{Extern, InstantiateError, Limits, Module, Store, TrapKind, Val};
use kiln_abi::module::ValType;
use std::path::PathBuf;

/// Exit status of a trap, as the wasmtime CLI uses.
pub const TRAP_EXIT: i32 = 134;
/// Stack of the thread that runs a program; wasm may use all but the
/// runtime's reserve before exhaustion traps.
pub const WASM_THREAD_STACK: usize = 64 << 20;

/// Exit status for errors before any wasm ran (bad arguments, imports).
pub const ERROR_EXIT: i32 = 1;

/// A grant of one environment variable.
#[derive(Clone, Debug, PartialEq)]
pub enum EnvGrant {
    /// `NAME=VALUE`
    Value(String, String),
    /// `NAME`: the launching environment's value, if it has one.
    Inherit(String),
}

/// The network a component may reach through wasi:sockets and wasi:http,
/// granted as wasmtime grants it (`-S inherit-network`,
/// `-S allow-ip-name-lookup`, `-S http`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetworkGrant {
    /// Any address, as the host's own network reaches it.
    pub inherit: bool,
    /// Names resolved to addresses.
    pub ip_name_lookup: bool,
    /// Outgoing HTTP requests to any address: 0.2's outgoing-handler, 0.3's
    /// client and an imported handler.
    pub http: bool,
}

/// How a program is started: entry point and capabilities. `kiln run` takes
/// them from flags; `kiln build` bakes them into the executable, where
/// `KILN_DIRS` and `KILN_ENVS` replace them at launch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub entry: Option<String>,
    /// (host directory, guest name)
    pub dirs: Vec<(PathBuf, String)>,
    pub env: Vec<EnvGrant>,
    /// TCP addresses to listen on, handed to the program as sockets.
    pub listen: Vec<String>,
    /// What of the network a component's wasi:sockets may use.
    pub network: NetworkGrant,
    /// Fuel the program may use, if it was compiled to consume fuel.
    pub fuel: Option<u64>,
    /// Time the program may run, if it was compiled to be interruptible.
    pub timeout: Option<std::time::Duration>,
    pub limits: Limits,
    /// Serve the component's HTTP handler on this address instead of
    /// running it (`kiln build --serve`; `--addr` replaces it at launch).
    pub serve: Option<String>,
    /// End the process as soon as the program is done, without freeing
    /// its store (a built executable has nothing left to do; not part of
    /// the text form).
    pub exit_when_done: bool,
}

impl Settings {
    /// `HOST[::GUEST]`, as wasmtime's `--dir`.
    pub fn parse_dir(spec: &str) -> (PathBuf, String) {
        match spec.split_once("::") {
            Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
            None => (PathBuf::from(spec), spec.to_string()),
        }
    }

    /// `NAME=VALUE` or `NAME`.
    pub fn parse_env(spec: &str) -> EnvGrant {
        match spec.split_once('=') {
            Some((k, v)) => EnvGrant::Value(k.to_string(), v.to_string()),
            None => EnvGrant::Inherit(spec.to_string()),
        }
    }

    /// The text form baked into executables: one setting a line.
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        if let Some(e) = &self.entry {
            t += &format!("entry {e}\n");
        }
        for (h, g) in &self.dirs {
            t += &format!("dir {}::{g}\n", h.display());
        }
        for e in &self.env {
            match e {
                EnvGrant::Value(k, v) => t += &format!("env {k}={v}\n"),
                EnvGrant::Inherit(k) => t += &format!("env {k}\n"),
            }
        }
        for a in &self.listen {
            t += &format!("listen {a}\n");
        }
        if self.network.inherit {
            t += "inherit-network\n";
        }
        if self.network.ip_name_lookup {
            t += "allow-ip-name-lookup\n";
        }
        if self.network.http {
            t += "http\n";
        }
        if let Some(a) = &self.serve {
            t += &format!("serve {a}\n");
        }
        let numbers = [
            ("fuel", self.fuel),
            ("timeout-ms", self.timeout.map(|d| d.as_millis() as u64)),
            ("max-memory-size", self.limits.max_memory_size),
            ("max-table-elements", self.limits.max_table_elements),
            (
                "max-wasm-stack",
                self.limits.max_wasm_stack.map(|n| n as u64),
            ),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                t += &format!("{key} {v}\n");
            }
        }
        t
    }

    pub fn from_text(text: &str) -> Settings {
        let mut s = Settings::default();
        for line in text.lines() {
            match line {
                "inherit-network" => s.network.inherit = true,
                "allow-ip-name-lookup" => s.network.ip_name_lookup = true,
                "http" => s.network.http = true,
                _ => {}
            }
            match line.split_once(' ') {
                Some(("entry", e)) => s.entry = Some(e.to_string()),
                Some(("dir", d)) => s.dirs.push(Settings::parse_dir(d)),
                Some(("env", e)) => s.env.push(Settings::parse_env(e)),
                Some(("listen", a)) => s.listen.push(a.to_string()),
                Some(("serve", a)) => s.serve = Some(a.to_string()),
                Some((key, n)) => {
                    let Ok(n) = n.parse::<u64>() else { continue };
                    match key {
                        "fuel" => s.fuel = Some(n),
                        "timeout-ms" => s.timeout = Some(std::time::Duration::from_millis(n)),
                        "max-memory-size" => s.limits.max_memory_size = Some(n),
                        "max-table-elements" => s.limits.max_table_elements = Some(n),
                        "max-wasm-stack" => s.limits.max_wasm_stack = Some(n as usize),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        s
    }

    /// The stack of the thread that runs the program: with
    /// `--max-wasm-stack`, that much for wasm plus room for the runtime and
    /// host calls below the limit. Wasm that calls only wasm has no stack
    /// check of its own (the compiler's `stack_check`): the thread's guard
    /// page is what stops it, so the thread's size is the limit.
    pub fn thread_stack_size(&self) -> usize {
        const RUNTIME_STACK: usize = 512 << 10;
        match self.limits.max_wasm_stack {
            Some(n) => n.saturating_add(RUNTIME_STACK),
            None => WASM_THREAD_STACK,
        }
    }

    /// Replace baked-in grants with `KILN_DIRS` / `KILN_ENVS` /
    /// `KILN_LISTEN` from the launching environment (`;`-separated, same
    /// syntax as the flags).
    pub fn override_from_environment(&mut self) {
        if let Ok(dirs) = std::env::var("KILN_DIRS") {
            self.dirs = dirs
                .split(';')
                .filter(|d| !d.is_empty())
                .map(Settings::parse_dir)
                .collect();
        }
        if let Ok(envs) = std::env::var("KILN_ENVS") {
            self.env = envs
                .split(';')
                .filter(|e| !e.is_empty())
                .map(Settings::parse_env)
                .collect();
        }
    }

    pub(crate) fn environment(&self) -> Vec<(String, String)> {
        self.env
            .iter()
            .filter_map(|g| match g {
                EnvGrant::Value(k, v) => Some((k.clone(), v.clone())),
                EnvGrant::Inherit(k) => std::env::var(k).ok().map(|v| (k.clone(), v)),
            })
            .collect()
    }
}

/// Run `module` as a program. `who` prefixes error messages; `argv[0]` is
/// the program's name. Returns the exit status.
pub fn run_program(
    module: &'static Module,
    who: &str,
    settings: &Settings,
    argv: Vec<String>,
) -> i32 {
    let status = run(module, who, settings, argv);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    status
}

/// Sets a store's interrupt flag once `timeout` has passed, unless dropped
/// first.
pub(crate) struct Watchdog {
    stop: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    pub(crate) fn start(store: &Store, timeout: std::time::Duration) -> Watchdog {
        let handle = store.interrupt_handle();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(timeout) {
                handle.interrupt();
            }
        });
        Watchdog {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(module: &'static Module, who: &str, settings: &Settings, argv: Vec<String>) -> i32 {
    let mut store = Store::new();
    store.set_limits(settings.limits);
    if let Some(fuel) = settings.fuel {
        store.set_fuel(fuel);
    }
    // From before instantiation on: a start function may run away too.
    let _watchdog = settings.timeout.map(|t| Watchdog::start(&store, t));
    let params: Vec<String> = argv.get(1..).unwrap_or(&[]).to_vec();
    let wasi_args = if settings.entry.is_some() {
        argv[..1.min(argv.len())].to_vec()
    } else {
        argv
    };
    let config = WasiConfig {
        args: wasi_args,
        env: settings.environment(),
        dirs: settings.dirs.clone(),
        listen: settings.listen.clone(),
    };
    let (imports, state) = if module.imports.is_empty() {
        (Vec::new(), None)
    } else {
        let ctx = match config.build() {
            Ok(ctx) => ctx,
            Err(e) => {
                eprintln!("{who}: {e}");
                return ERROR_EXIT;
            }
        };
        match crate::wasi::resolve_imports(&mut store, module) {
            Ok(i) => (i, Some(Box::new(ctx) as Box<dyn std::any::Any>)),
            Err(e) => {
                eprintln!("{who}: {e}");
                return ERROR_EXIT;
            }
        }
    };
    let inst = match store.instantiate_with(module, &imports, state) {
        Ok(i) => i,
        Err(InstantiateError::Trap(t)) => return trap_status(&t),
        Err(e) => {
            eprintln!("{who}: {e}");
            return ERROR_EXIT;
        }
    };
    // SAFETY: the instance lives as long as `store`.
    let inst = unsafe { &*inst };
    let entry = settings.entry.as_deref();
    let name = entry.unwrap_or("_start");
    let f = match inst.export(name) {
        Some(Extern::Func(f)) => f,
        _ if entry.is_none() => return 0, // no entry point: instantiating was the program
        _ => {
            eprintln!("{who}: no exported function `{name}`");
            return ERROR_EXIT;
        }
    };
    let ty = f.ty();
    let args: &[String] = if entry.is_some() { &params } else { &[] };
    if args.len() != ty.params.len() {
        eprintln!(
            "{who}: `{name}` takes {} arguments, {} given",
            ty.params.len(),
            args.len()
        );
        return ERROR_EXIT;
    }
    let mut vals = Vec::new();
    for (t, s) in ty.params.iter().zip(args) {
        match parse_arg(*t, s) {
            Ok(v) => vals.push(v),
            Err(e) => {
                eprintln!("{who}: {e}");
                return ERROR_EXIT;
            }
        }
    }
    let status = match store.call(f, &vals) {
        Ok(results) => {
            for r in results {
                println!("{}", show(r));
            }
            0
        }
        Err(t) => trap_status(&t),
    };
    finish(settings, status)
}

/// `status`, unless the settings ask to exit when done: then the process
/// ends here, its store still alive. Unmapping a large component's
/// memories and freeing its instances took a tenth of a Python hello's
/// run; the kernel frees it all at exit anyway (as clang's -disable-free).
pub(crate) fn finish(settings: &Settings, status: i32) -> i32 {
    if settings.exit_when_done {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        std::process::exit(status);
    }
    status
}

pub(crate) fn trap_status(t: &crate::Trap) -> i32 {
    match t.kind {
        TrapKind::Exit(n) => n,
        _ => {
            eprint!("{t}");
            TRAP_EXIT
        }
    }
}

fn parse_arg(ty: ValType, s: &str) -> Result<Val, ArgumentError> {
    let bad = || ArgumentError::Unreadable {
        text: s.to_string(),
        ty,
    };
    Ok(match ty {
        ValType::I32 => Val::I32(
            s.parse::<i32>()
                .or_else(|_| s.parse::<u32>().map(|v| v as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Val::F32(s.parse::<f32>().map_err(|_| bad())?.to_bits()),
        ValType::F64 => Val::F64(s.parse::<f64>().map_err(|_| bad())?.to_bits()),
        _ => return Err(ArgumentError::Unsupported(ty)),
    })
}

fn show(v: Val) -> String {
    match v {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(b) => f32::from_bits(b).to_string(),
        Val::F64(b) => f64::from_bits(b).to_string(),
        Val::FuncRef(0) | Val::ExternRef(0) => "null".into(),
        Val::FuncRef(p) => format!("funcref({p:#x})"),
        Val::ExternRef(p) => format!("externref({p})"),
    }
}
