//! Workspaces for end-to-end tests: made by a user, joined through the
//! invitation email as a user would.

use serde_json::json;

use crate::api::{Api, TestUser};

/// The subject of an invitation from a test user.
const INVITED: &str = "Test User invited you to";

impl Api {
    /// A new workspace of `owner`'s: its path, `/v1/workspaces/{id}`.
    pub async fn workspace(&self, owner: &TestUser) -> String {
        let body = json!({ "name": "Team" });
        let res = self
            .send_as("POST", "/v1/workspaces", &owner.access_token, Some(body))
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        format!(
            "/v1/workspaces/{}",
            res.body["workspace"]["id"].as_str().unwrap()
        )
    }

    /// `user` invited to the workspace at `path` as `role` by `by`, and
    /// joined through the emailed link.
    pub async fn join(&self, by: &TestUser, path: &str, user: &TestUser, role: &str) {
        let nth = self.emails_to(&user.email, INVITED).len() + 1;
        let body = json!({ "email": user.email, "role": role });
        let invitations = format!("{path}/invitations");
        let sent = self
            .send_as("POST", &invitations, &by.access_token, Some(body))
            .await;
        assert_eq!(sent.status, 201, "{}", sent.body);
        let token = self.token_from_email(&user.email, INVITED, nth).await;
        let body = json!({ "token": token });
        let accept = "/v1/invitations/accept";
        let res = self
            .send_as("POST", accept, &user.access_token, Some(body))
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
}
