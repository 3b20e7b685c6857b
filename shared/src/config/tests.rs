use super::*;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_are_the_documented_ones() {
    let c = Config::from_map(&vars(&[]), MissingSecrets::GenerateEphemeral).unwrap();
    assert_eq!(
        (c.settings.lockout_threshold, c.settings.lockout_seconds),
        (5, 43_200)
    );
    assert_eq!(c.settings.ip_rate_limit, 20);
    assert_eq!(c.access_token_ttl_seconds, 900);
    assert_eq!(c.settings.session_max_seconds, 30 * DAY);
    assert_eq!(
        c.settings.allowed_origins,
        ["http://localhost:5173", "http://127.0.0.1:5173"]
    );
}

#[test]
fn a_bad_value_names_its_variable() {
    let cases = [
        ("LOCKOUT_THRESHOLD", "five"),
        ("IP_RATE_LIMIT", "0"),
        ("BOOTSTRAP_ADMIN_EMAIL", "not-an-email"),
        ("APP_SECRET", "short"),
        ("MAX_UPLOAD_BYTES", "-1"),
        ("JWT_SIGNING_KEY", "no-colon"),
        ("JWT_PUBLIC_KEYS", "k1:AAAA"),
        ("EMAIL_ACCENT_COLOR", "red"),
        ("EMAIL_BACKGROUND_COLOR", "#fff"),
        ("EMAIL_SUPPORT_ADDRESS", "help desk"),
        ("EMAIL_PRODUCT_NAME", "Acme\nBcc: x@example.com"),
    ];
    for (var, value) in cases {
        let err = Config::from_map(&vars(&[(var, value)]), MissingSecrets::GenerateEphemeral)
            .err()
            .unwrap_or_else(|| panic!("{var}={value} should be refused"));
        assert_eq!(err.var, var);
        assert!(err.to_string().contains(var));
    }
}

#[test]
fn emails_take_the_configured_brand() {
    let branded = [
        ("EMAIL_PRODUCT_NAME", "Acme Boards"),
        ("EMAIL_ACCENT_COLOR", "#AA3300"),
        ("EMAIL_BACKGROUND_COLOR", "#fafafa"),
        ("EMAIL_SUPPORT_ADDRESS", "Help@Acme.example"),
    ];
    let c = Config::from_map(&vars(&branded), MissingSecrets::GenerateEphemeral).unwrap();
    let brand = c.settings.brand;
    assert_eq!(brand.product_name, "Acme Boards");
    assert_eq!(
        (brand.accent_color.as_str(), brand.background_color.as_str()),
        ("#aa3300", "#fafafa")
    );
    assert_eq!(brand.support_address.as_deref(), Some("help@acme.example"));
    let plain = Config::from_map(&vars(&[]), MissingSecrets::GenerateEphemeral).unwrap();
    assert_eq!(
        plain.settings.brand,
        think_tank_core::email::Brand::default()
    );
}

#[test]
fn a_deployed_function_never_reads_the_local_settings() {
    let local_only = [
        ("BACKEND", "postgres"),
        ("LOCAL_HTTP_ADDR", "nowhere"),
        ("LOCAL_OUTBOX_DIR", "/unused"),
    ];
    assert!(Config::from_map(&vars(&local_only), MissingSecrets::GenerateEphemeral).is_ok());
}

#[test]
fn deployed_functions_refuse_to_start_without_secrets() {
    let err = Config::from_map(&vars(&[]), MissingSecrets::Fail)
        .err()
        .unwrap();
    assert_eq!(err.var, "JWT_PUBLIC_KEYS");
}

#[test]
fn the_public_keys_must_include_the_signing_keys_public_half() {
    let (private, _) = SigningKey::generate("now").unwrap();
    let (_, other) = SigningKey::generate("next").unwrap();
    let both = vars(&[("JWT_SIGNING_KEY", &private), ("JWT_PUBLIC_KEYS", &other)]);
    let err = Config::from_map(&both, MissingSecrets::Fail).err().unwrap();
    assert_eq!(err.var, "JWT_PUBLIC_KEYS");
    let derived = Config::from_map(
        &vars(&[("JWT_SIGNING_KEY", &private)]),
        MissingSecrets::GenerateEphemeral,
    )
    .unwrap();
    assert_eq!(derived.jwt_public_keys[0].kid, "now");
}
