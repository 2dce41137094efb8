//! `/scim/v2/Groups`.

use super::{
    body, created, list_response, query, respond, search_request, timestamp, Answer, Params,
    ScimCaller,
};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use skillstream_app::scim::groups::{self, ScimGroup};
use skillstream_app::scim::PatchOperation;
use skillstream_domain::scim::GROUP_SCHEMA;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/Groups")
            .route(web::get().to(list))
            .route(web::post().to(create))
            .default_service(web::to(super::method_not_allowed)),
    )
    .service(
        web::resource("/Groups/.search")
            .route(web::post().to(search))
            .default_service(web::to(super::method_not_allowed)),
    )
    .service(
        web::resource("/Groups/{id}")
            .route(web::get().to(get))
            .route(web::put().to(replace))
            .route(web::patch().to(patch))
            .route(web::delete().to(delete))
            .default_service(web::to(super::method_not_allowed)),
    );
}

fn group_json(base: &str, group: &ScimGroup, with_members: bool) -> Value {
    let mut body = json!({
        "schemas": [GROUP_SCHEMA],
        "id": group.id.to_string(),
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": timestamp(group.created_at),
            "lastModified": timestamp(group.created_at),
            "location": format!("{base}/Groups/{}", group.id),
        },
    });
    if with_members {
        body["members"] = group
            .members
            .iter()
            .map(|id| {
                json!({"value": id.to_string(), "type": "User",
                    "$ref": format!("{base}/Users/{id}")})
            })
            .collect();
    }
    if let Some(external) = &group.external_id {
        body["externalId"] = json!(external);
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
    let members = !q.excludes("members");
    let base = caller.base();
    let filter = q.filter.clone();
    let page = caller
        .run(move |conn, ctx| groups::list(conn, ctx, filter.as_deref(), paging))
        .await?;
    let resources = page
        .resources
        .iter()
        .map(|g| q.project(group_json(&base, g, members)))
        .collect();
    Ok(respond(
        StatusCode::OK,
        &list_response(page.total, page.start_index, resources),
    ))
}

async fn create(caller: ScimCaller, req: HttpRequest, bytes: web::Bytes) -> Answer {
    let input = body(&req, &bytes)?;
    let base = caller.base();
    let group = caller
        .run(move |conn, ctx| groups::create(conn, ctx, &input))
        .await?;
    Ok(created(
        format!("{base}/Groups/{}", group.id),
        &group_json(&base, &group, true),
    ))
}

async fn get(caller: ScimCaller, req: HttpRequest, id: web::Path<String>) -> Answer {
    let q = query(&req)?;
    let members = !q.excludes("members");
    let base = caller.base();
    let group = caller
        .run(move |conn, ctx| groups::get(conn, ctx, &id))
        .await?;
    Ok(respond(
        StatusCode::OK,
        &q.project(group_json(&base, &group, members)),
    ))
}

async fn replace(
    caller: ScimCaller,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Answer {
    let input = body(&req, &bytes)?;
    let base = caller.base();
    let group = caller
        .run(move |conn, ctx| groups::replace(conn, ctx, &id, &input))
        .await?;
    Ok(respond(StatusCode::OK, &group_json(&base, &group, true)))
}

async fn patch(
    caller: ScimCaller,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Answer {
    let input = body(&req, &bytes)?;
    let operations = PatchOperation::parse_request(&input).map_err(super::Scim)?;
    let members = !query(&req)?.excludes("members");
    let base = caller.base();
    let group = caller
        .run(move |conn, ctx| groups::patch(conn, ctx, &id, &operations))
        .await?;
    Ok(respond(StatusCode::OK, &group_json(&base, &group, members)))
}

async fn delete(caller: ScimCaller, id: web::Path<String>) -> Answer {
    caller
        .run(move |conn, ctx| groups::delete(conn, ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
