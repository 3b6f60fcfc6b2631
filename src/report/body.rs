//! The text of a part as written: `body:` is text, as it always was, or a
//! list whose items are text and blocks (photos, tables, charts, lists) in
//! the writer's order. Plain serde types, like the rest of `model`.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::specs::{ChartSpec, TableSpec};

/// A body: its items in order. Text alone is one text item.
#[derive(Debug, Default)]
pub struct Body(pub Vec<Item>);

/// One item of a body.
#[derive(Debug)]
pub enum Item {
    /// One or more paragraphs, separated by blank lines.
    Text(String),
    Block(Block),
}

/// What a body may hold besides text.
#[derive(Debug)]
pub enum Block {
    Image(ImageSpec),
    /// Photos side by side, `columns` a row (default: all in one row, up to 3).
    Images {
        images: Vec<ImageSpec>,
        columns: Option<u8>,
    },
    /// A numbered table (表1 …) with its title above and note below.
    Table {
        table: TableSpec,
        title: Option<String>,
        note: Option<String>,
    },
    Chart(ChartSpec),
    /// Items, each text or (as a list of texts) the items one level down.
    List {
        items: Vec<ListItem>,
        numbered: bool,
    },
}

/// One photo or drawing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// A file of the report folder: png, jpg, gif, webp or svg.
    pub image: String,
    /// Printed under it, numbered 图1, 图2 … through the report; may use `{{metric}}`.
    #[serde(default)]
    pub caption: Option<String>,
    /// What the picture shows, for readers who cannot see it (PDF/UA); the caption serves without it.
    #[serde(default)]
    pub alt: Option<String>,
    /// Of the text width (`80%`) or in millimetres (`60mm`); default the text width, or as tall as fits.
    #[serde(default)]
    pub width: Option<String>,
}

/// A list item: text, or a nested list of texts under the item before it.
#[derive(Debug)]
pub enum ListItem {
    Text(String),
    Nested(Vec<String>),
}

/// Every key a block may have; which block it is follows from the key it
/// leads with (`image`, `images`, `table`, `chart` or `list`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockKeys {
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    alt: Option<String>,
    #[serde(default)]
    width: Option<String>,
    #[serde(default)]
    images: Option<Vec<ImageSpec>>,
    #[serde(default)]
    columns: Option<u8>,
    #[serde(default)]
    table: Option<TableSpec>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    chart: Option<ChartSpec>,
    #[serde(default)]
    list: Option<Vec<ListItem>>,
    #[serde(default)]
    numbered: bool,
}

/// The keys that name a block's kind.
const KINDS: [&str; 5] = ["image", "images", "table", "chart", "list"];

impl BlockKeys {
    /// The block these keys make, or what is wrong with them.
    fn block(self) -> Result<Block, String> {
        let named: Vec<&str> = [
            self.image.is_some(),
            self.images.is_some(),
            self.table.is_some(),
            self.chart.is_some(),
            self.list.is_some(),
        ]
        .iter()
        .zip(KINDS)
        .filter_map(|(&given, key)| given.then_some(key))
        .collect();
        let kind = match named.as_slice() {
            [kind] => *kind,
            [] => return Err(format!("a block needs one of the keys {}", KINDS.join(", "))),
            more => return Err(format!("a block is one thing, but this one has {}: split it", more.join(" and "))),
        };
        let allowed: &[&str] = match kind {
            "image" => &["caption", "alt", "width"],
            "images" => &["columns"],
            "table" => &["title", "note"],
            "list" => &["numbered"],
            _ => &[],
        };
        let extra = self.given().into_iter().find(|key| !allowed.contains(key));
        if let Some(key) = extra {
            return Err(format!("`{key}` does not belong to a block of `{kind}`"));
        }
        Ok(match kind {
            "image" => Block::Image(ImageSpec {
                image: self.image.unwrap_or_default(),
                caption: self.caption,
                alt: self.alt,
                width: self.width,
            }),
            "images" => Block::Images { images: self.images.unwrap_or_default(), columns: self.columns },
            "table" => Block::Table { table: self.table.expect("named"), title: self.title, note: self.note },
            "chart" => Block::Chart(self.chart.expect("named")),
            _ => Block::List { items: self.list.unwrap_or_default(), numbered: self.numbered },
        })
    }

    /// The keys besides the kind's that were given.
    fn given(&self) -> Vec<&'static str> {
        let keys = [
            ("caption", self.caption.is_some()),
            ("alt", self.alt.is_some()),
            ("width", self.width.is_some()),
            ("columns", self.columns.is_some()),
            ("title", self.title.is_some()),
            ("note", self.note.is_some()),
            ("numbered", self.numbered),
        ];
        keys.iter().filter_map(|&(key, given)| given.then_some(key)).collect()
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Body;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, or a list of texts and blocks (`- image: …`, `- table: …`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Body(vec![Item::Text(v.into())]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Body::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    items.push(item);
                }
                Ok(Body(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text or a block (`image: …`, `images: …`, `table: …`, `chart: …`, `list: …`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Item::Text(v.into()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let keys = BlockKeys::deserialize(de::value::MapAccessDeserializer::new(map))?;
                keys.block().map(Item::Block).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ListItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ListItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list item's text, or a list of texts one level down")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ListItem::Text(v.into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(ListItem::Nested)
            }
        }
        d.deserialize_any(V)
    }
}

// Schemas for `baogao schema`.

impl JsonSchema for Body {
    fn schema_name() -> Cow<'static, str> {
        "Body".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let block = generator.subschema_for::<BlockSchema>();
        json_schema!({
            "description": "Text (paragraphs separated by blank lines), or a list of texts and blocks in order",
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"oneOf": [{"type": "string"}, block]}}]
        })
    }
}

/// The schema of a block: one of five shapes.
struct BlockSchema;

impl JsonSchema for BlockSchema {
    fn schema_name() -> Cow<'static, str> {
        "Block".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let image = generator.subschema_for::<ImageSpec>();
        let table = generator.subschema_for::<TableSpec>();
        let chart = generator.subschema_for::<ChartSpec>();
        let text = json_schema!({"type": "string"});
        json_schema!({"oneOf": [
            image,
            {"description": "Photos side by side, each with caption and alt", "type": "object", "properties": {
                "images": {"type": "array", "items": image}, "columns": {"type": "integer", "minimum": 1, "maximum": 6}
            }, "required": ["images"], "additionalProperties": false},
            {"description": "A table numbered 表1 …, its title above and note below", "type": "object", "properties": {
                "table": table, "title": text, "note": text
            }, "required": ["table"], "additionalProperties": false},
            {"description": "A chart of metrics", "type": "object", "properties": {"chart": chart},
             "required": ["chart"], "additionalProperties": false},
            {"description": "A list; `numbered: true` numbers it 1. 2. …; an item that is a list nests one level",
             "type": "object", "properties": {
                "list": {"type": "array", "items": {"oneOf": [text, {"type": "array", "items": text}]}},
                "numbered": {"type": "boolean"}
            }, "required": ["list"], "additionalProperties": false}
        ]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(yaml: &str) -> Result<Body, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn text_or_a_list_of_texts_and_blocks() {
        assert!(matches!(&body("一段。").unwrap().0[..], [Item::Text(t)] if t == "一段。"));
        let b = body(
            "- 前文。\n- {image: images/a.jpg, caption: 会场, width: 80%}\n- list: [甲, [子一, 子二], 乙]\n  numbered: true\n",
        )
        .unwrap();
        assert!(matches!(&b.0[1], Item::Block(Block::Image(i)) if i.image == "images/a.jpg"));
        assert!(matches!(&b.0[2], Item::Block(Block::List { items, numbered: true }) if items.len() == 3));
    }

    #[test]
    fn a_block_is_one_thing_with_its_own_keys() {
        assert!(body("- {image: a.png, table: {csv: x.csv}}").unwrap_err().contains("image and table"));
        assert!(body("- {chart: {metrics: all}, caption: x}").unwrap_err().contains("`caption` does not belong"));
        assert!(body("- {imgae: a.png}").unwrap_err().contains("unknown field `imgae`"));
    }
}
