crate::routes::catalog_routes::catalog_routes! {
    kind: catalog::Kind::Group,
    tag: "Groups",
    collection: "/api/v1/groups",
    item: "/api/v1/groups/{id}",
    ids: (list_groups, create_group, rename_group, delete_group)
}
