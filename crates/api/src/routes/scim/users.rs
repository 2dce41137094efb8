//! `/scim/v2/Users`.

use super::{
    body, created, list_response, query, respond, search_request, timestamp, Answer, Params,
    ScimCaller,
};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use skillstream_app::scim::users::{self, ScimUser};
use skillstream_app::scim::PatchOperation;
use skillstream_domain::scim::{ENTERPRISE_USER_SCHEMA, USER_SCHEMA};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/Users")
            .route(web::get().to(list))
            .route(web::post().to(create))
            .default_service(web::to(super::method_not_allowed)),
    )
    .service(
        web::resource("/Users/.search")
            .route(web::post().to(search))
            .default_service(web::to(super::method_not_allowed)),
    )
    .service(
        web::resource("/Users/{id}")
            .route(web::get().to(get))
            .route(web::put().to(replace))
            .route(web::patch().to(patch))
            .route(web::delete().to(delete))
            .default_service(web::to(super::method_not_allowed)),
    );
}

/// A User in the core schema with the enterprise extension's `department`.
pub fn user_json(base: &str, user: &ScimUser) -> Value {
    let a = &user.attributes;
    let location = format!("{base}/Users/{}", user.id);
    let mut name = serde_json::Map::new();
    if let Some(given) = &a.given_name {
        name.insert("givenName".into(), json!(given));
    }
    if let Some(family) = &a.family_name {
        name.insert("familyName".into(), json!(family));
    }
    let mut body = json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "id": user.id.to_string(),
        "userName": a.user_name,
        "emails": [{"value": a.user_name, "type": "work", "primary": true}],
        "active": a.active,
        "groups": user.groups.iter().map(|(id, display)| json!({
            "value": id.to_string(),
            "display": display,
            "$ref": format!("{base}/Groups/{id}"),
        })).collect::<Vec<_>>(),
        "meta": {
            "resourceType": "User",
            "created": timestamp(user.created_at),
            "lastModified": timestamp(user.updated_at),
            "location": location,
        },
    });
    if !name.is_empty() {
        body["name"] = Value::Object(name);
    }
    if let Some(department) = &a.department {
        body[ENTERPRISE_USER_SCHEMA] = json!({ "department": department });
    }
    if let Some(external) = &a.external_id {
        body["externalId"] = json!(external);
    }
    if let Some(display) = &a.display_name {
        body["displayName"] = json!(display);
    }
    body
}

async fn list(caller: ScimCaller, req: HttpRequest) -> Answer {
    answer_list(caller, query(&req)?).await
}

async fn search(caller: ScimCaller, req: HttpRequest, bytes: web::Bytes) -> Answer {
    answer_list(caller, search_request(&req, &bytes)?).await
}

async fn answer_list(caller: ScimCaller, q: Params) -> Answer {
    let paging = q.paging();
    let base = caller.base();
    let filter = q.filter.clone();
    let page = caller
        .run(move |conn, ctx| users::list(conn, ctx, filter.as_deref(), paging))
        .await?;
    let resources = page
        .resources
        .iter()
        .map(|u| q.project(user_json(&base, u)))
        .collect();
    Ok(respond(
        StatusCode::OK,
        &list_response(page.total, page.start_index, resources),
    ))
}

async fn create(caller: ScimCaller, req: HttpRequest, bytes: web::Bytes) -> Answer {
    let input = body(&req, &bytes)?;
    let base = caller.base();
    let user = caller
        .run(move |conn, ctx| users::create(conn, ctx, &input))
        .await?;
    Ok(created(
        format!("{base}/Users/{}", user.id),
        &user_json(&base, &user),
    ))
}

async fn get(caller: ScimCaller, req: HttpRequest, id: web::Path<String>) -> Answer {
    let q = query(&req)?;
    let base = caller.base();
    let user = caller
        .run(move |conn, ctx| users::get(conn, ctx, &id))
        .await?;
    Ok(respond(StatusCode::OK, &q.project(user_json(&base, &user))))
}

async fn replace(
    caller: ScimCaller,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Answer {
    let input = body(&req, &bytes)?;
    let base = caller.base();
    let user = caller
        .run(move |conn, ctx| users::replace(conn, ctx, &id, &input))
        .await?;
    Ok(respond(StatusCode::OK, &user_json(&base, &user)))
}

async fn patch(
    caller: ScimCaller,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Answer {
    let input = body(&req, &bytes)?;
    let operations = PatchOperation::parse_request(&input).map_err(super::Scim)?;
    let base = caller.base();
    let user = caller
        .run(move |conn, ctx| users::patch(conn, ctx, &id, &operations))
        .await?;
    Ok(respond(StatusCode::OK, &user_json(&base, &user)))
}

async fn delete(caller: ScimCaller, id: web::Path<String>) -> Answer {
    caller
        .run(move |conn, ctx| users::delete(conn, ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
