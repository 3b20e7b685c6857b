use think_tank_core::domain::{Task, TaskFilter, TaskId, TaskStatus, WorkspaceId};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

conformance!(
    a_created_task_is_read_back_and_deleted_once,
    an_update_wins_only_against_the_stored_version,
    concurrent_updates_of_one_version_have_one_winner,
    listings_walk_every_matching_task_once_newest_first,
    a_task_is_found_only_under_its_own_workspace,
);

fn task(owner: &str, status: TaskStatus) -> Task {
    task_in(&WorkspaceId::generate(), owner, status)
}

pub(crate) fn task_in(ws: &WorkspaceId, owner: &str, status: TaskStatus) -> Task {
    Task {
        id: TaskId::generate(),
        workspace_id: ws.clone(),
        title: "Write the docs".into(),
        description: String::new(),
        status,
        assignee_id: None,
        owner_id: owner.into(),
        version: 1,
        created_at: NOW.to_millis(),
        updated_at: NOW.to_millis(),
    }
}

async fn a_created_task_is_read_back_and_deleted_once(store: &dyn Store) {
    let mut t = task("owner-1", TaskStatus::Todo);
    t.assignee_id = Some("user-2".into());
    t.description = "with a description".into();
    store.create_task(&t).await.unwrap();
    let ws = &t.workspace_id;
    assert_eq!(store.task(ws, &t.id).await.unwrap(), Some(t.clone()));
    assert_eq!(store.delete_task(ws, &t.id).await.unwrap(), Some(t.clone()));
    assert_eq!(store.delete_task(ws, &t.id).await.unwrap(), None);
    assert_eq!(store.task(ws, &t.id).await.unwrap(), None);
}

async fn an_update_wins_only_against_the_stored_version(store: &dyn Store) {
    let t = task("owner-1", TaskStatus::Todo);
    store.create_task(&t).await.unwrap();
    let mut next = t.clone();
    next.version = 2;
    next.status = TaskStatus::Done;
    next.assignee_id = Some("someone".into());
    assert!(!store.update_task_if(&next, 7).await.unwrap());
    assert!(store.update_task_if(&next, 1).await.unwrap());
    assert!(!store.update_task_if(&next, 1).await.unwrap());
    assert_eq!(
        store.task(&t.workspace_id, &t.id).await.unwrap(),
        Some(next.clone())
    );
    let mut cleared = next.clone();
    cleared.version = 3;
    cleared.assignee_id = None;
    assert!(store.update_task_if(&cleared, 2).await.unwrap());
    assert_eq!(
        store
            .task(&t.workspace_id, &t.id)
            .await
            .unwrap()
            .unwrap()
            .assignee_id,
        None
    );
    let missing = task("owner-1", TaskStatus::Todo);
    assert!(
        !store.update_task_if(&missing, 1).await.unwrap(),
        "an update never creates a task"
    );
}

async fn concurrent_updates_of_one_version_have_one_winner(store: &dyn Store) {
    let t = task("owner-1", TaskStatus::Todo);
    store.create_task(&t).await.unwrap();
    let candidates: Vec<Task> = (0..10)
        .map(|i| {
            let mut next = t.clone();
            next.version = 2;
            next.title = format!("edit {i}");
            next
        })
        .collect();
    let results =
        futures::future::join_all(candidates.iter().map(|c| store.update_task_if(c, 1))).await;
    assert_eq!(
        results.into_iter().filter(|r| *r.as_ref().unwrap()).count(),
        1
    );
}

async fn walk(store: &dyn Store, ws: &WorkspaceId, filter: &TaskFilter) -> Vec<TaskId> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_tasks(ws, filter, after.as_deref(), 3)
            .await
            .unwrap();
        let first = seen.is_empty();
        let count = page.items.len();
        seen.extend(page.items.into_iter().map(|t| t.id));
        match page.next {
            Some(next) => {
                assert_eq!(count, 3, "a page with more to come is full, filter or not");
                after = Some(next);
            }
            None => {
                assert!(first || count > 0, "the last page is never empty");
                return seen;
            }
        }
    }
}

async fn listings_walk_every_matching_task_once_newest_first(store: &dyn Store) {
    let ws = WorkspaceId::generate();
    let neighbour = WorkspaceId::generate();
    let mut all = Vec::new();
    for i in 0..12 {
        let owner = if i % 2 == 0 { "alice" } else { "bob" };
        let status = if i % 3 == 0 {
            TaskStatus::Done
        } else {
            TaskStatus::Todo
        };
        let mut t = task_in(&ws, owner, status);
        t.assignee_id = (i % 4 != 0).then(|| if i % 4 == 1 { "carol" } else { "bob" }.into());
        store.create_task(&t).await.unwrap();
        store
            .create_task(&task_in(&neighbour, owner, status))
            .await
            .unwrap();
        all.push(t);
    }
    all.reverse();
    let expect = |keep: &dyn Fn(&Task) -> bool| {
        all.iter()
            .filter(|t| keep(t))
            .map(|t| t.id.clone())
            .collect::<Vec<_>>()
    };
    let filter =
        |status: Option<TaskStatus>, owner: Option<&str>, assignee: Option<&str>| TaskFilter {
            status,
            owner_id: owner.map(Into::into),
            assignee_id: assignee.map(Into::into),
        };
    let (done, todo) = (Some(TaskStatus::Done), Some(TaskStatus::Todo));
    let cases = [
        filter(None, None, None),
        filter(done, None, None),
        filter(None, Some("bob"), None),
        filter(todo, Some("alice"), None),
        filter(None, None, Some("carol")),
        filter(done, None, Some("bob")),
        filter(None, Some("alice"), Some("bob")),
        filter(todo, Some("bob"), Some("bob")),
        filter(Some(TaskStatus::InProgress), None, None),
    ];
    for filter in cases {
        let expected = expect(&|t| filter.matches(t));
        assert_eq!(walk(store, &ws, &filter).await, expected, "{filter:?}");
    }
    assert_eq!(
        expect(&|t| filter(None, Some("alice"), Some("bob")).matches(t)).len(),
        3,
        "the combined filter has something to find"
    );
}

async fn a_task_is_found_only_under_its_own_workspace(store: &dyn Store) {
    let t = task("owner-1", TaskStatus::Todo);
    store.create_task(&t).await.unwrap();
    let other = WorkspaceId::generate();
    assert_eq!(store.task(&other, &t.id).await.unwrap(), None);
    assert_eq!(store.delete_task(&other, &t.id).await.unwrap(), None);
    let mut moved = t.clone();
    moved.workspace_id = other.clone();
    moved.version = 2;
    assert!(
        !store.update_task_if(&moved, 1).await.unwrap(),
        "an update never moves a task to another workspace"
    );
    assert_eq!(store.task(&t.workspace_id, &t.id).await.unwrap(), Some(t));
}
