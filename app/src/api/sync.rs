//! `POST /api/v1/sync`: the phone's outbox goes up, what changed for the phone comes down.
//! The protocol is described in `docs/sync-api.md`.

use super::error::ApiError;
use super::operations::{OperationRequest, Outcome};
use super::street::StreetPage;
use super::views::{ChiefHome, FindingSummary, InspectionPage};
use crate::domain::names::named;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SYNC_PATH: &str = "/api/v1/sync";
/// Operations in one push; the phone sends longer outboxes in several batches.
pub const MAX_BATCH: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Applied in order, each once: one refused operation does not stop the others. More than
    /// `MAX_BATCH` are refused while reading, before the rest of the body is parsed.
    #[serde(default, deserialize_with = "at_most_a_batch")]
    pub ops: Vec<OperationRequest>,
    /// From the previous answer; absent on a phone's first sync.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// What the parser says when a sync carries more than `MAX_BATCH` operations.
pub const TOO_MANY_OPERATIONS: &str = "more operations than one sync may carry";

fn at_most_a_batch<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<OperationRequest>, D::Error> {
    struct Bounded;
    impl<'de> serde::de::Visitor<'de> for Bounded {
        type Value = Vec<OperationRequest>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "at most {MAX_BATCH} operations")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut ops = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_BATCH));
            while let Some(op) = seq.next_element()? {
                if ops.len() == MAX_BATCH {
                    return Err(serde::de::Error::custom(TOO_MANY_OPERATIONS));
                }
                ops.push(op);
            }
            Ok(ops)
        }
    }
    d.deserialize_seq(Bounded)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    /// One per pushed operation, in the same order.
    pub results: Vec<OpResult>,
    /// To send with the next sync.
    pub cursor: String,
    /// Findings on the chief's roads that changed since the cursor (status, section, deadline).
    pub findings: Vec<FindingSummary>,
    /// `findings` is everything, not what changed: the phone had no cursor, or one from another
    /// database (a restored backup). The phone replaces its copy instead of adding to it.
    pub full: bool,
    /// What the chief's screens show, when anything in it changed since the cursor (new roads,
    /// categories, inspections, findings); absent when the phone's copy is current.
    pub screens: Option<ChiefScreens>,
    /// The street screens (shops, work log) of the chief's roads, sent with `screens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streets: Option<Vec<StreetPage>>,
    pub server_time: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum OpResult {
    /// Applied now, or earlier (`replayed`): either way the server has it, once, since
    /// `received_at` (the server's clock when it first applied it).
    Applied { id: Uuid, outcome: Outcome, replayed: bool, received_at: Timestamp },
    /// Refused with a reason the phone shows next to the record; nothing of it was stored.
    Rejected { id: Uuid, status: u16, error: ApiError },
}

/// Everything the road chief's screens need to work with no network: the home screen and this
/// week's inspection page of every road they look after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChiefScreens {
    pub home: ChiefHome,
    pub inspections: Vec<InspectionPage>,
}

/// The phone's reading of a sync answer. The outcomes themselves are not needed (the pull
/// brings the new state), and leaving them unparsed keeps their deserializers out of the bundle.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SyncAnswer {
    pub results: Vec<OpAnswer>,
    pub cursor: String,
    pub findings: Vec<FindingSummary>,
    #[serde(default)]
    pub full: bool,
    pub screens: Option<ChiefScreens>,
    /// Kept as it came (the street screens read it when opened), so that its parser stays out
    /// of the first-load bundle.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<StreetPage>>))]
    pub streets: Option<Kept>,
    pub server_time: Timestamp,
}

/// JSON kept as text, read later by the screen it is for.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Kept(pub Box<serde_json::value::RawValue>);

impl Kept {
    /// `value` as JSON text.
    pub fn of<T: Serialize>(value: &T) -> Kept {
        Kept(serde_json::value::to_raw_value(value).expect("screen data serializes"))
    }

    /// The text read as `T` by the screen it is for; `None` if it is not one.
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_str(self.0.get()).ok()
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpAnswer {
    pub id: Uuid,
    pub result: AnswerKind,
    #[serde(default)]
    pub status: u16,
    #[serde(default)]
    pub error: Option<ApiError>,
    #[serde(default)]
    pub received_at: Option<Timestamp>,
}

impl OpAnswer {
    pub fn code(&self) -> crate::api::error::ErrorCode {
        self.error.as_ref().map_or(crate::api::error::ErrorCode::Internal, |e| e.code)
    }
}

named! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum AnswerKind {
        Applied = "applied",
        Rejected = "rejected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ErrorCode;
    use crate::api::operations::RoutedFinding;
    use crate::domain::deadline::Urgency;
    use crate::i18n::Lang;

    #[test]
    fn the_phone_reads_what_the_server_writes() {
        let id = Uuid::from_u128(7);
        let response = SyncResponse {
            results: vec![
                OpResult::Applied {
                    id,
                    outcome: Outcome::FindingRecorded {
                        inspection_id: id,
                        finding: RoutedFinding {
                            id,
                            section_id: "s".into(),
                            deadline: Timestamp(9),
                            urgency: Urgency::Later,
                        },
                    },
                    replayed: true,
                    received_at: Timestamp(4),
                },
                OpResult::Rejected { id, status: 409, error: ApiError::new(ErrorCode::IllegalTransition, Lang::En) },
            ],
            cursor: "v1.3.-".into(),
            findings: vec![],
            full: true,
            screens: None,
            streets: Some(Vec::new()),
            server_time: Timestamp(1),
        };
        let answer: SyncAnswer = serde_json::from_str(&serde_json::to_string(&response).unwrap()).unwrap();
        assert_eq!(answer.results[0].result, AnswerKind::Applied);
        assert_eq!(answer.results[0].received_at, Some(Timestamp(4)));
        assert_eq!(answer.results[1].result, AnswerKind::Rejected);
        assert_eq!((answer.results[1].status, answer.results[1].code()), (409, ErrorCode::IllegalTransition));
        assert_eq!(answer.cursor, "v1.3.-");
        assert!(answer.full);
        assert_eq!(answer.streets.map(|k| k.0.get().to_owned()).as_deref(), Some("[]"), "kept as it came");
    }

    #[test]
    fn a_sync_carries_at_most_a_batch() {
        let op = serde_json::json!({"id": Uuid::from_u128(1), "op": {"kind": "start_inspection", "road_id": "r", "week": "2026-W48"}});
        let ok = serde_json::json!({ "ops": vec![op.clone(); MAX_BATCH] });
        assert_eq!(serde_json::from_value::<SyncRequest>(ok).unwrap().ops.len(), MAX_BATCH);
        let over = serde_json::json!({ "ops": vec![op; MAX_BATCH + 1] });
        let error = serde_json::from_value::<SyncRequest>(over).unwrap_err().to_string();
        assert!(error.contains(TOO_MANY_OPERATIONS), "{error}");
    }
}
