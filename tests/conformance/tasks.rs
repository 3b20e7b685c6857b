use think_tank_core::domain::{Task, TaskFilter, TaskId, TaskStatus};
use think_tank_core::ports::Store;

use crate::conformance;
use crate::support::NOW;

conformance!(
    a_created_task_is_read_back_and_deleted_once,
    an_update_wins_only_against_the_stored_version,
    concurrent_updates_of_one_version_have_one_winner,
    listings_walk_every_matching_task_once_newest_first,
);

fn task(owner: &str, status: TaskStatus) -> Task {
    Task {
        id: TaskId::generate(),
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
    assert_eq!(store.task(&t.id).await.unwrap(), Some(t.clone()));
    assert_eq!(store.delete_task(&t.id).await.unwrap(), Some(t.clone()));
    assert_eq!(store.delete_task(&t.id).await.unwrap(), None);
    assert_eq!(store.task(&t.id).await.unwrap(), None);
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
    assert_eq!(store.task(&t.id).await.unwrap(), Some(next.clone()));
    let mut cleared = next.clone();
    cleared.version = 3;
    cleared.assignee_id = None;
    assert!(store.update_task_if(&cleared, 2).await.unwrap());
    assert_eq!(store.task(&t.id).await.unwrap().unwrap().assignee_id, None);
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

async fn walk(store: &dyn Store, filter: &TaskFilter) -> Vec<TaskId> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.list_tasks(filter, after.as_deref(), 3).await.unwrap();
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
    let mut all = Vec::new();
    for i in 0..10 {
        let owner = if i % 2 == 0 { "alice" } else { "bob" };
        let status = if i % 3 == 0 {
            TaskStatus::Done
        } else {
            TaskStatus::Todo
        };
        let t = task(owner, status);
        store.create_task(&t).await.unwrap();
        all.push(t);
    }
    all.reverse();
    let expect = |keep: &dyn Fn(&Task) -> bool| {
        all.iter()
            .filter(|t| keep(t))
            .map(|t| t.id.clone())
            .collect::<Vec<_>>()
    };
    let cases: Vec<(TaskFilter, Vec<TaskId>)> = vec![
        (TaskFilter::default(), expect(&|_| true)),
        (
            TaskFilter {
                status: Some(TaskStatus::Done),
                owner_id: None,
            },
            expect(&|t| t.status == TaskStatus::Done),
        ),
        (
            TaskFilter {
                status: None,
                owner_id: Some("bob".into()),
            },
            expect(&|t| t.owner_id == "bob"),
        ),
        (
            TaskFilter {
                status: Some(TaskStatus::Todo),
                owner_id: Some("alice".into()),
            },
            expect(&|t| t.owner_id == "alice" && t.status == TaskStatus::Todo),
        ),
        (
            TaskFilter {
                status: Some(TaskStatus::InProgress),
                owner_id: None,
            },
            vec![],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(walk(store, &filter).await, expected, "{filter:?}");
    }
}
