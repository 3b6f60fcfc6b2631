//! The JSON schemas (`baogao schema`) of the model's forms that take
//! several shapes and are read by hand-written deserializers.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::model::{Metric, MetricMap, MetricsSource};
use super::specs::{Cell, MetricSelection};

impl JsonSchema for MetricsSource {
    fn schema_name() -> Cow<'static, str> {
        "MetricsSource".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let map = generator.subschema_for::<MetricMap>();
        json_schema!({"description": "A metrics file's path, or the metrics themselves", "oneOf": [{"type": "string"}, map]})
    }
}

impl JsonSchema for MetricMap {
    fn schema_name() -> Cow<'static, str> {
        "MetricMap".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let metric = generator.subschema_for::<Metric>();
        json_schema!({
            "description": "Metrics by id (letters, digits, _ and -)",
            "type": "object",
            "additionalProperties": metric
        })
    }
}

impl JsonSchema for MetricSelection {
    fn schema_name() -> Cow<'static, str> {
        "MetricSelection".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"oneOf": [
            {"const": "all"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "properties": {"group": {"type": "string"}}, "required": ["group"], "additionalProperties": false}
        ]})
    }
}

impl JsonSchema for Cell {
    fn schema_name() -> Cow<'static, str> {
        "Cell".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number", "boolean", "null"]})
    }
}
