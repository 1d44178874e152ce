//! The host's time zone as the C library sees it (`TZ`, else
//! `/etc/localtime`): what wasi:clocks/timezone reports, 0.2's and 0.3's
//! alike. Offsets and names come from `localtime_r`, so daylight saving
//! time and historical changes follow the system's zone database.

/// Local time's relation to UTC at one instant.
pub(crate) struct Local {
    /// Seconds east of UTC.
    pub offset: i32,
    /// The zone's abbreviation then ("CET", "EDT"), or the offset
    /// written out ("+05:30") if the zone has none.
    pub name: String,
    pub daylight_saving: bool,
}

/// Local time at `seconds` since 1970-01-01T00:00:00Z, if the C library
/// can say (it cannot for instants beyond its `time_t` or year range).
pub(crate) fn at(seconds: i64) -> Option<Local> {
    let t: libc::time_t = seconds.try_into().ok()?;
    // SAFETY: `localtime_r` writes only into `tm`, which is ours; the
    // zone name it leaves there points into the C library's zone state,
    // which lives as long as the process's `TZ` does (the runtime never
    // sets it), and is copied out at once.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return None;
        }
        tm
    };
    let offset = i32::try_from(tm.tm_gmtoff).ok()?;
    let name = match tm.tm_zone.is_null() {
        true => None,
        // SAFETY: as above; a C string.
        false => Some(unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }),
    };
    let name = name
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| written(offset));
    Some(Local {
        offset,
        name,
        daylight_saving: tm.tm_isdst > 0,
    })
}

/// An offset as `+HH:MM` (`-04:00`, `+05:30`).
pub(crate) fn written(offset: i32) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The zone's IANA identifier ("Europe/Paris"), if it has one: `TZ`
/// naming a zone file (`Europe/Paris`, `:Europe/Paris`, or a path into a
/// zoneinfo directory), else the zone file `/etc/localtime` links to, else
/// Debian's `/etc/timezone`. A `TZ` that is a rule (`EST5EDT,M3.2.0,...`)
/// has none; so does a name with no zone file, which the C library reads
/// as UTC.
pub(crate) fn iana_id() -> Option<String> {
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| match std::env::var("TZ") {
        Ok(tz) => zone_file_name(tz.strip_prefix(':').unwrap_or(&tz)),
        Err(_) => match std::fs::read_link("/etc/localtime") {
            Ok(target) => zone_file_name(target.to_str()?),
            Err(_) => {
                let named = std::fs::read_to_string("/etc/timezone").ok()?;
                zone_file_name(named.trim())
            }
        },
    })
    .clone()
}

/// Where the C library looks for zone files named relative to it.
const ZONEINFO: &str = "/usr/share/zoneinfo";

/// The zone that `tz` (a name or a path) names, if a zone file is there.
fn zone_file_name(tz: &str) -> Option<String> {
    let name = match tz.rfind("zoneinfo/") {
        Some(at) => &tz[at + "zoneinfo/".len()..],
        None if tz.starts_with('/') => return None,
        None => tz,
    };
    let plausible = !name.is_empty()
        && !name.split('/').any(|part| part.is_empty() || part == "..")
        && (name.chars()).all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    let file = std::path::Path::new(ZONEINFO).join(name);
    (plausible && file.is_file()).then(|| name.to_string())
}
