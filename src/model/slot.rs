//! An award's place in the revocation status lists (W3C Bitstring Status
//! List). Slots are decided once, recorded in `rosette.lock`, and never move.

/// Entries per list: 131,072 = 16 KiB, the minimum verifiers accept.
pub const LIST_SIZE: usize = 131_072;
/// Awards per list before the next list starts (load factor ½).
pub const LIST_LOAD: usize = LIST_SIZE / 2;

/// Where an award's status lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// 1-based list number.
    pub list: usize,
    pub index: usize,
}
