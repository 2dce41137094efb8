crate::routes::catalog_routes::catalog_routes! {
    kind: catalog::Kind::Department,
    tag: "Departments",
    collection: "/api/v1/departments",
    item: "/api/v1/departments/{id}",
    ids: (list_departments, create_department, rename_department, delete_department)
}
