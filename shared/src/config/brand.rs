//! How emails look: `EMAIL_PRODUCT_NAME`, `EMAIL_ACCENT_COLOR`,
//! `EMAIL_BACKGROUND_COLOR`, `EMAIL_SUPPORT_ADDRESS`.

use super::{invalid, ConfigError, Reader};
use think_tank_core::domain::Email;
use think_tank_core::email::Brand;

const MAX_PRODUCT_NAME_CHARS: usize = 60;

pub(super) fn brand(r: &Reader) -> Result<Brand, ConfigError> {
    let defaults = Brand::default();
    Ok(Brand {
        product_name: product_name(r.string("EMAIL_PRODUCT_NAME", &defaults.product_name))?,
        accent_color: color(r, "EMAIL_ACCENT_COLOR", &defaults.accent_color)?,
        background_color: color(r, "EMAIL_BACKGROUND_COLOR", &defaults.background_color)?,
        support_address: r
            .optional("EMAIL_SUPPORT_ADDRESS", Email::parse)?
            .map(|email| email.as_str().to_string()),
    })
}

fn product_name(name: String) -> Result<String, ConfigError> {
    let fits = name.chars().count() <= MAX_PRODUCT_NAME_CHARS;
    match fits && !name.chars().any(char::is_control) {
        true => Ok(name),
        false => Err(invalid(
            "EMAIL_PRODUCT_NAME",
            format!("expected one line of at most {MAX_PRODUCT_NAME_CHARS} characters"),
        )),
    }
}

/// `#rrggbb`, the one form every mail client's CSS understands.
fn color(r: &Reader, var: &'static str, default: &str) -> Result<String, ConfigError> {
    let value = r.string(var, default);
    let hex = value.strip_prefix('#').unwrap_or("");
    match hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        true => Ok(value.to_ascii_lowercase()),
        false => Err(invalid(
            var,
            format!("expected a colour as #rrggbb, got {value:?}"),
        )),
    }
}
