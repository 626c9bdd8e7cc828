//! The decoders of what phones send (operations and syncs), tried with what no phone would
//! send: arbitrary bytes, arbitrary JSON, and valid requests with one part replaced by anything.
//! Each either decodes to a value that encodes back to itself, or refuses; none panics, and
//! none accepts more operations than a sync may carry. (`cargo test` runs a few thousand cases;
//! `PROPTEST_CASES` runs more.)

mod tests {
    use crate::api::operations::OperationRequest;
    use crate::api::sync::{SyncRequest, MAX_BATCH};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_filter("JSON has no NaN", |f| f.is_finite()).prop_map(|f| json!(f)),
            ".{0,12}".prop_map(Value::String),
            prop_oneof![
                Just("start_inspection"),
                Just("record_finding"),
                Just("submit_inspection"),
                Just("move_finding"),
                Just("make_joint"),
                Just("answer_task"),
                Just("waive_task"),
                Just("2026-W49"),
                Just("market-road-1"),
                Just("01930000-0000-7000-8000-000000000000"),
            ]
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("id".to_owned()),
                        Just("op".to_owned()),
                        Just("ops".to_owned()),
                        Just("kind".to_owned()),
                        Just("cursor".to_owned()),
                        Just("road_id".to_owned()),
                        Just("week".to_owned()),
                        Just("finding".to_owned()),
                        "[a-z_]{1,8}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A valid operation of each kind, as a phone or a desk sends it.
    fn valid_operations() -> Vec<Value> {
        let finding = json!({
            "id": "01930000-0000-7000-8000-000000000001", "category": "sanitation", "note": "垃圾",
            "lon": 120.3, "lat": 36.07, "observed_at": 1_790_000_000_000i64, "photos": ["ab".repeat(32)]
        });
        vec![
            json!({"id": "01930000-0000-7000-8000-000000000002", "op": {"kind": "start_inspection", "road_id": "market-road-1", "week": "2026-W49"}}),
            json!({"id": "01930000-0000-7000-8000-000000000003", "op": {"kind": "record_finding", "road_id": "market-road-1", "week": "2026-W49", "finding": finding}}),
            json!({"id": "01930000-0000-7000-8000-000000000004", "op": {"kind": "submit_inspection", "road_id": "market-road-1", "week": "2026-W49", "results": {"sanitation": "problem"}, "findings": [finding]}}),
            json!({"id": "01930000-0000-7000-8000-000000000005", "op": {"kind": "move_finding", "finding_id": "01930000-0000-7000-8000-000000000001", "move": "accept"}}),
            json!({"id": "01930000-0000-7000-8000-000000000006", "op": {"kind": "save_shop", "road_id": "market-road-1", "shop_id": "mr1-001", "shop": {"name": "老张水饺", "house_number": "1号", "business_type": "餐饮", "owner": null, "contact": null, "pledge_signed": true, "open": true}}}),
            json!({"id": "01930000-0000-7000-8000-000000000007", "op": {"kind": "record_visit", "road_id": "market-road-1", "visit": {"id": "01930000-0000-7000-8000-000000000008", "shop_id": "mr1-001", "asked": "门前路灯不亮", "promised": null, "follow_up": "2026-12-10", "visited_at": 1_790_000_000_000i64}}}),
            json!({"id": "01930000-0000-7000-8000-000000000009", "op": {"kind": "follow_up_done", "visit_id": "01930000-0000-7000-8000-000000000008"}}),
            json!({"id": "01930000-0000-7000-8000-00000000000a", "op": {"kind": "make_joint", "finding_id": "01930000-0000-7000-8000-000000000001", "tasks": [{"section_id": "law-enforcement", "task": "依法查处"}]}}),
            json!({"id": "01930000-0000-7000-8000-00000000000b", "op": {"kind": "answer_task", "finding_id": "01930000-0000-7000-8000-000000000001", "note": "已查处"}}),
            json!({"id": "01930000-0000-7000-8000-00000000000c", "op": {"kind": "waive_task", "finding_id": "01930000-0000-7000-8000-000000000001", "section_id": "engineering", "reason": "无需协办"}}),
        ]
    }

    /// Replaces the value at one place of `value` (chosen by `pick`) with `with`.
    fn replace_one(value: &mut Value, pick: usize, with: Value) {
        fn places(value: &Value) -> usize {
            1 + match value {
                Value::Array(items) => items.iter().map(places).sum(),
                Value::Object(map) => map.values().map(places).sum(),
                _ => 0,
            }
        }
        fn walk(value: &mut Value, mut n: usize, with: &mut Option<Value>) -> usize {
            if n == 0 {
                *value = with.take().unwrap_or(Value::Null);
                return usize::MAX;
            }
            n -= 1;
            let children: Vec<&mut Value> = match value {
                Value::Array(items) => items.iter_mut().collect(),
                Value::Object(map) => map.values_mut().collect(),
                _ => Vec::new(),
            };
            for child in children {
                let size = places(child);
                if n < size {
                    return walk(child, n, with);
                }
                n -= size;
            }
            n
        }
        let total = places(value);
        walk(value, pick % total, &mut Some(with));
    }

    /// Equal, but for the last bit of a float: serde_json's fast float parser may round a
    /// printed float to its neighbour.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
                let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
                x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-15
            }
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
            }
            _ => a == b,
        }
    }

    fn decodes_to_itself<T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug>(text: &[u8]) {
        if let Ok(decoded) = serde_json::from_slice::<T>(text) {
            let again: T =
                serde_json::from_slice(&serde_json::to_vec(&decoded).unwrap()).expect("what decodes encodes back");
            let (again, decoded) = (serde_json::to_value(&again).unwrap(), serde_json::to_value(&decoded).unwrap());
            assert!(same(&again, &decoded), "{again} != {decoded}");
        }
    }

    #[test]
    fn floats_may_differ_in_their_last_bit_only() {
        assert!(same(&json!(-4.429444454878181e18), &json!(-4.4294444548781804e18)));
        assert!(!same(&json!(120.3), &json!(120.30001)));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_decode_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            decodes_to_itself::<OperationRequest>(&bytes);
            decodes_to_itself::<SyncRequest>(&bytes);
        }

        #[test]
        fn any_json_decodes_or_is_refused(value in any_json()) {
            let text = serde_json::to_vec(&value).unwrap();
            decodes_to_itself::<OperationRequest>(&text);
            decodes_to_itself::<SyncRequest>(&text);
            let sync = serde_json::to_vec(&json!({"ops": [value]})).unwrap();
            decodes_to_itself::<SyncRequest>(&sync);
        }

        #[test]
        fn valid_requests_with_one_part_replaced(kind in 0usize..10, pick in any::<usize>(), with in any_json()) {
            let mut op = valid_operations()[kind].clone();
            replace_one(&mut op, pick, with);
            decodes_to_itself::<OperationRequest>(&serde_json::to_vec(&op).unwrap());
            decodes_to_itself::<SyncRequest>(&serde_json::to_vec(&json!({"ops": [op], "cursor": "v2"})).unwrap());
        }

        #[test]
        fn no_sync_decodes_with_more_than_a_batch(extra in 1usize..40) {
            let ops: Vec<Value> = (0..MAX_BATCH + extra).map(|i| valid_operations()[i % 10].clone()).collect();
            let body = json!({"ops": ops});
            prop_assert!(serde_json::from_value::<SyncRequest>(body).is_err());
        }
    }

    #[test]
    fn the_valid_operations_are_valid() {
        assert_eq!(valid_operations().len(), 10, "one of each kind; the strategies above count them");
        for op in valid_operations() {
            serde_json::from_value::<OperationRequest>(op.clone()).unwrap_or_else(|e| panic!("{op}: {e}"));
        }
    }
}
