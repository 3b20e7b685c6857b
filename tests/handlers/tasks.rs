//! A workspace's tasks through the service: what each workspace role may do
//! with them, assignees who must be members, and versions that guard updates.

use think_tank_core::app::Mail;
use think_tank_core::domain::{Task, TaskStatus, Versions, WorkspaceId, WorkspaceRole};
use think_tank_core::error::{ApiError, TaskError, WorkspaceError};
use think_tank_core::services::sessions::IssuedSession;
use think_tank_core::services::tasks::{NewTask, TaskChanges, Tasks};
use think_tank_core::App;

use crate::services::{app_with_clock, claim, refused, signed_in};
use crate::workspaces::{create, join, user_of};

use WorkspaceRole::{Admin, Editor, Viewer};

fn new_task(title: &str) -> NewTask {
    NewTask {
        title: title.to_string(),
        description: String::new(),
        status: TaskStatus::Todo,
        assignee_id: None,
    }
}

fn retitle(title: &str) -> TaskChanges {
    TaskChanges {
        title: Some(title.to_string()),
        ..Default::default()
    }
}

async fn add_task(app: &App, ws: &WorkspaceId, by: &IssuedSession, task: NewTask) -> Task {
    let tasks = app.service::<Tasks<Mail>>();
    tasks.create_task(claim(app, by), ws, task).await.unwrap()
}

async fn update(
    app: &App,
    ws: &WorkspaceId,
    by: &IssuedSession,
    task: &Task,
    title: &str,
) -> Result<Task, ApiError> {
    let tasks = app.service::<Tasks<Mail>>();
    let changes = retitle(title);
    tasks
        .update_task(claim(app, by), ws, &task.id, changes, Versions::Any)
        .await
}

fn forbidden(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Workspace(WorkspaceError::NotAllowed) | ApiError::Task(TaskError::NotOwner)
    )
}

#[tokio::test]
async fn each_workspace_role_does_with_tasks_what_its_place_allows() {
    let (app, _) = app_with_clock();
    let owner = signed_in(&app, "task-owner@example.com").await;
    let admin = signed_in(&app, "task-admin@example.com").await;
    let editor = signed_in(&app, "task-editor@example.com").await;
    let viewer = signed_in(&app, "task-viewer@example.com").await;
    let ws = create(&app, &owner, "Roles").await.id;
    join(&app, &ws, &admin, Admin).await;
    join(&app, &ws, &editor, Editor).await;
    join(&app, &ws, &viewer, Viewer).await;
    let tasks = app.service::<Tasks<Mail>>();

    let refused_create = tasks
        .create_task(claim(&app, &viewer), &ws, new_task("Viewer's"))
        .await;
    assert!(forbidden(&refused(refused_create)), "a viewer creates");
    let theirs = add_task(&app, &ws, &owner, new_task("The owner's")).await;
    let mine = add_task(&app, &ws, &editor, new_task("The editor's")).await;
    let assigned = NewTask {
        assignee_id: Some(user_of(&editor)),
        ..new_task("Assigned to the editor")
    };
    let assigned = add_task(&app, &ws, &owner, assigned).await;

    let viewer_reads = app.service::<Tasks>();
    let seen = viewer_reads
        .read_task(claim(&app, &viewer), &ws, &theirs.id)
        .await;
    assert_eq!(seen.unwrap().title, "The owner's");
    assert!(forbidden(&refused(
        update(&app, &ws, &viewer, &mine, "No").await
    )));
    update(&app, &ws, &editor, &mine, "Mine, renamed")
        .await
        .unwrap();
    update(&app, &ws, &editor, &assigned, "Assigned, renamed")
        .await
        .unwrap();
    let others = update(&app, &ws, &editor, &theirs, "Not mine").await;
    assert!(
        forbidden(&refused(others)),
        "an editor updates another's task"
    );
    update(&app, &ws, &admin, &theirs, "Any, by an admin")
        .await
        .unwrap();

    let remover = app.service::<Tasks>();
    let by_editor = remover
        .delete_task(claim(&app, &editor), &ws, &mine.id)
        .await;
    assert!(forbidden(&refused(by_editor)), "an editor deletes");
    remover
        .delete_task(claim(&app, &admin), &ws, &mine.id)
        .await
        .unwrap();
    let gone = viewer_reads
        .read_task(claim(&app, &owner), &ws, &mine.id)
        .await;
    assert!(matches!(refused(gone), ApiError::Task(TaskError::NotFound)));
}

#[tokio::test]
async fn a_task_belongs_to_one_workspace_and_strangers_are_told_none_exists() {
    let (app, _) = app_with_clock();
    let owner = signed_in(&app, "two-boards@example.com").await;
    let stranger = signed_in(&app, "stranger-board@example.com").await;
    let first = create(&app, &owner, "First").await.id;
    let second = create(&app, &owner, "Second").await.id;
    let task = add_task(&app, &first, &owner, new_task("In the first")).await;
    let reader = app.service::<Tasks>();

    let elsewhere = reader
        .read_task(claim(&app, &owner), &second, &task.id)
        .await;
    assert!(matches!(
        refused(elsewhere),
        ApiError::Task(TaskError::NotFound)
    ));
    let listed = reader
        .list_tasks(claim(&app, &owner), &second, &Default::default(), None, 50)
        .await
        .unwrap();
    assert!(listed.items.is_empty(), "{:?}", listed.items);
    let by_stranger = reader
        .read_task(claim(&app, &stranger), &first, &task.id)
        .await;
    assert!(matches!(
        refused(by_stranger),
        ApiError::Workspace(WorkspaceError::NotFound)
    ));
}

#[tokio::test]
async fn only_a_member_of_the_workspace_may_be_assigned() {
    let (app, _) = app_with_clock();
    let owner = signed_in(&app, "assigning@example.com").await;
    let outsider = signed_in(&app, "outsider@example.com").await;
    let ws = create(&app, &owner, "Assignees").await.id;
    let to_outsider = NewTask {
        assignee_id: Some(user_of(&outsider)),
        ..new_task("For someone outside")
    };
    let tasks = app.service::<Tasks<Mail>>();
    let error = refused(
        tasks
            .create_task(claim(&app, &owner), &ws, to_outsider)
            .await,
    );
    assert!(
        matches!(&error, ApiError::Request(_)) && format!("{error:?}").contains("assignee_id"),
        "{error:?}"
    );
    join(&app, &ws, &outsider, Viewer).await;
    let to_member = NewTask {
        assignee_id: Some(user_of(&outsider)),
        ..new_task("For a member")
    };
    let task = add_task(&app, &ws, &owner, to_member).await;
    assert_eq!(task.assignee_id, Some(user_of(&outsider)));
}

#[tokio::test]
async fn an_update_made_against_a_version_already_replaced_fails_its_precondition() {
    let (app, _) = app_with_clock();
    let issued = signed_in(&app, "stale-version@example.com").await;
    let ws = create(&app, &issued, "Versions").await.id;
    let task = add_task(&app, &ws, &issued, new_task("Draft")).await;
    let tasks = app.service::<Tasks<Mail>>();
    let first = Versions::These(vec![task.version]);
    let updated = tasks
        .update_task(claim(&app, &issued), &ws, &task.id, retitle("First"), first)
        .await
        .unwrap();
    assert_eq!(updated.version, task.version + 1);
    let stale = Versions::These(vec![task.version]);
    let second = tasks
        .update_task(
            claim(&app, &issued),
            &ws,
            &task.id,
            retitle("Second"),
            stale,
        )
        .await;
    assert!(matches!(refused(second), ApiError::Task(TaskError::Stale)));
    let reader = app.service::<Tasks>();
    let kept = reader
        .read_task(claim(&app, &issued), &ws, &task.id)
        .await
        .unwrap();
    assert_eq!(kept.title, "First");
}
