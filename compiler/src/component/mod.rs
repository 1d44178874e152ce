//! Components: where the Component Model's translation will live (core
//! modules, canonical-ABI adapters and the instance graph of a component,
//! compiled by the same backend as a core module). Nothing yet: a component
//! is refused by `module::ModuleInfo::parse`.
