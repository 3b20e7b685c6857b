//! Task request bodies: unknown fields refused, every field validated.

use serde::{Deserialize, Deserializer};
use think_tank_core::domain::TaskStatus;
use think_tank_core::domain::UserId;
use think_tank_core::services::tasks::{NewTask, TaskChanges};
use think_tank_core::services::validate::Checks;
use think_tank_core::ApiError;

const TITLE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 5000;

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TaskCreateBody))]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<think_tank_core::domain::TaskStatus>))]
    status: Option<String>,
    #[serde(default)]
    assignee_id: Option<String>,
}

/// Tells `"assignee_id": null` (clear it) from an absent field (leave it).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TaskPatchBody))]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    title: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<think_tank_core::domain::TaskStatus>))]
    status: Option<String>,
    #[serde(default, deserialize_with = "present")]
    assignee_id: Option<Option<String>>,
}

fn description(checks: &mut Checks, raw: &str) -> String {
    if raw.chars().count() > DESCRIPTION_MAX {
        checks.fail("description", "must be at most 5000 characters");
    }
    raw.to_string()
}

fn status(checks: &mut Checks, raw: &str) -> Option<TaskStatus> {
    TaskStatus::parse(raw)
        .map_err(|m| checks.fail("status", m))
        .ok()
}

fn assignee(checks: &mut Checks, raw: &str) -> UserId {
    if raw.is_empty() || raw.len() > 64 {
        checks.fail("assignee_id", "must be a user id or null");
    }
    UserId::from(raw)
}

impl edge::http::body::RequestBody for CreateBody {
    type Valid = NewTask;

    fn validate(self) -> Result<NewTask, ApiError> {
        let mut checks = Checks::default();
        let title = checks.text("title", &self.title, 1, TITLE_MAX);
        let description = description(&mut checks, self.description.as_deref().unwrap_or_default());
        let status = self.status.map(|s| status(&mut checks, &s));
        let assignee_id = self.assignee_id.map(|a| assignee(&mut checks, &a));
        checks.finish()?;
        Ok(NewTask {
            title,
            description,
            status: status.flatten().unwrap_or(TaskStatus::Todo),
            assignee_id,
        })
    }
}

impl edge::http::body::RequestBody for PatchBody {
    type Valid = TaskChanges;

    fn validate(self) -> Result<TaskChanges, ApiError> {
        let mut checks = Checks::default();
        let title = self.title.map(|t| checks.text("title", &t, 1, TITLE_MAX));
        let description = self.description.map(|d| description(&mut checks, &d));
        let status = self.status.map(|s| status(&mut checks, &s));
        let assignee_id = self
            .assignee_id
            .map(|a| a.map(|a| assignee(&mut checks, &a)));
        checks.finish()?;
        Ok(TaskChanges {
            title,
            description,
            status: status.flatten(),
            assignee_id,
        })
    }
}
