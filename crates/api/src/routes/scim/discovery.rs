//! Discovery (RFC 7644 §4): `ServiceProviderConfig`, `ResourceTypes` and `Schemas`, which
//! answer without a token. With the organization's token, the enterprise extension's
//! `department` lists the organization's departments as its `canonicalValues`, the only values
//! it accepts.

use super::{list_response, respond, Answer, Scim, ScimCaller};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde_json::{json, Value};
use skillstream_domain::scim::ScimError;
use skillstream_domain::scim::{ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(read_only("/ServiceProviderConfig").route(web::get().to(service_provider_config)))
        .service(read_only("/ResourceTypes").route(web::get().to(resource_types)))
        .service(read_only("/ResourceTypes/{id}").route(web::get().to(resource_type)))
        .service(read_only("/Schemas").route(web::get().to(schemas)))
        .service(read_only("/Schemas/{id}").route(web::get().to(schema)));
}

/// A discovery resource: any method but GET is 405.
fn read_only(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(super::method_not_allowed))
}

fn base(req: &HttpRequest) -> String {
    req.app_data::<web::Data<crate::state::AppState>>()
        .map(|state| super::base_url(state))
        .unwrap_or_else(|| "/scim/v2".into())
}

fn meta(resource_type: &str, location: String) -> Value {
    json!({"resourceType": resource_type, "location": location})
}

async fn service_provider_config(req: HttpRequest) -> Answer {
    let base = base(&req);
    Ok(respond(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": "https://github.com/skillstream/invitations#scim-provisioning-okta-microsoft-entra-id",
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": skillstream_app::scim::MAX_COUNT},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": false},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "SCIM token",
                "description": "The organization's SCIM token (Admin → Organization → Provisioning), as a bearer token.",
                "primary": true,
            }],
            "meta": meta("ServiceProviderConfig", format!("{base}/ServiceProviderConfig")),
        }),
    ))
}

fn resource_type_json(base: &str, id: &str) -> Option<Value> {
    let (endpoint, schema, extensions) = match id {
        "User" => (
            "/Users",
            USER_SCHEMA,
            json!([{"schema": ENTERPRISE_USER_SCHEMA, "required": false}]),
        ),
        "Group" => ("/Groups", GROUP_SCHEMA, json!([])),
        _ => return None,
    };
    Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": id,
        "name": id,
        "endpoint": endpoint,
        "description": if id == "User" { "A person of the organization: a pending invitation or a member." } else { "A user group of the organization." },
        "schema": schema,
        "schemaExtensions": extensions,
        "meta": meta("ResourceType", format!("{base}/ResourceTypes/{id}")),
    }))
}

async fn resource_types(req: HttpRequest) -> Answer {
    let base = base(&req);
    let all: Vec<Value> = ["User", "Group"]
        .iter()
        .filter_map(|id| resource_type_json(&base, id))
        .collect();
    Ok(respond(StatusCode::OK, &list_response(2, 1, all)))
}

async fn resource_type(req: HttpRequest, id: web::Path<String>) -> Answer {
    resource_type_json(&base(&req), &id)
        .map(|body| respond(StatusCode::OK, &body))
        .ok_or_else(|| Scim(ScimError::not_found(format!("No resource type {id}."))))
}

/// One attribute's definition (RFC 7643 §7).
fn attribute(name: &str, kind: &str, mutability: &str, required: bool, description: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": required,
        "caseExact": false,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": "none",
    })
}

fn multi(mut attribute: Value, sub_attributes: Vec<Value>) -> Value {
    attribute["multiValued"] = json!(true);
    attribute["subAttributes"] = json!(sub_attributes);
    attribute
}

fn user_schema() -> Value {
    let mut user_name = attribute(
        "userName",
        "string",
        "readWrite",
        true,
        "The user's email address, compared without case: where the invitation is sent.",
    );
    user_name["uniqueness"] = json!("server");
    let mut name = attribute("name", "complex", "readWrite", false, "The user's names.");
    name["subAttributes"] = json!([
        attribute("givenName", "string", "readWrite", false, "First name."),
        attribute("familyName", "string", "readWrite", false, "Last name."),
    ]);
    let mut group_ref = attribute("$ref", "reference", "readOnly", false, "The group's URI.");
    group_ref["referenceTypes"] = json!(["Group"]);
    let mut email_type = attribute("type", "string", "readOnly", false, "Always work.");
    email_type["canonicalValues"] = json!(["work"]);
    json!({
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A person of the organization.",
        "attributes": [
            user_name,
            name,
            attribute("displayName", "string", "readWrite", false, "The name shown for the user."),
            attribute("active", "boolean", "readWrite", true, "False deactivates the member (or cancels the pending invitation); true reactivates."),
            multi(attribute("emails", "complex", "readOnly", false, "The userName, as the user's work email."), vec![
                attribute("value", "string", "readOnly", false, "The address."),
                email_type,
                attribute("primary", "boolean", "readOnly", false, "Always true."),
            ]),
            multi(attribute("groups", "complex", "readOnly", false, "The member's user groups (set through Groups)."), vec![
                attribute("value", "string", "readOnly", false, "The group's id."),
                group_ref,
                attribute("display", "string", "readOnly", false, "The group's name."),
            ]),
        ],
    })
}

fn enterprise_schema(departments: Option<Vec<String>>) -> Value {
    let mut department = attribute(
        "department",
        "string",
        "readWrite",
        false,
        "The name of one of the organization's departments; another name is refused, naming the closest one.",
    );
    if let Some(names) = departments.filter(|d| !d.is_empty()) {
        department["canonicalValues"] = json!(names);
    }
    json!({
        "id": ENTERPRISE_USER_SCHEMA,
        "name": "EnterpriseUser",
        "description": "Enterprise User: the department.",
        "attributes": [department],
    })
}

fn group_schema() -> Value {
    let mut value = attribute(
        "value",
        "string",
        "immutable",
        false,
        "The id of a provisioned user.",
    );
    value["required"] = json!(false);
    let mut reference = attribute("$ref", "reference", "immutable", false, "The user's URI.");
    reference["referenceTypes"] = json!(["User"]);
    let mut kind = attribute("type", "string", "immutable", false, "User.");
    kind["canonicalValues"] = json!(["User"]);
    let mut display_name = attribute(
        "displayName",
        "string",
        "readWrite",
        true,
        "The group's name, unique in the organization.",
    );
    display_name["uniqueness"] = json!("server");
    json!({
        "id": GROUP_SCHEMA,
        "name": "Group",
        "description": "A user group of the organization.",
        "attributes": [
            display_name,
            multi(attribute("members", "complex", "readWrite", false, "The group's members: provisioned users (others are ignored)."), vec![value, reference, kind]),
        ],
    })
}

fn with_meta(mut schema: Value, base: &str) -> Value {
    let id = schema["id"].as_str().unwrap_or_default().to_string();
    schema["schemas"] = json!(["urn:ietf:params:scim:schemas:core:2.0:Schema"]);
    schema["meta"] = meta("Schema", format!("{base}/Schemas/{id}"));
    schema
}

/// The organization's department names, when the caller presented its SCIM token.
async fn departments(caller: Option<ScimCaller>) -> Result<Option<Vec<String>>, Scim> {
    match caller {
        Some(caller) => Ok(Some(
            caller
                .run(|conn, ctx| Ok(skillstream_app::scim::users::department_names(conn, ctx)?))
                .await?,
        )),
        None => Ok(None),
    }
}

async fn all_schemas(req: &HttpRequest, caller: Option<ScimCaller>) -> Result<Vec<Value>, Scim> {
    let base = base(req);
    let departments = departments(caller).await?;
    Ok(vec![
        with_meta(user_schema(), &base),
        with_meta(enterprise_schema(departments), &base),
        with_meta(group_schema(), &base),
    ])
}

async fn schemas(req: HttpRequest, caller: Option<ScimCaller>) -> Answer {
    let all = all_schemas(&req, caller).await?;
    Ok(respond(StatusCode::OK, &list_response(3, 1, all)))
}

async fn schema(req: HttpRequest, caller: Option<ScimCaller>, id: web::Path<String>) -> Answer {
    all_schemas(&req, caller)
        .await?
        .into_iter()
        .find(|s| s["id"].as_str() == Some(id.as_str()))
        .map(|body| respond(StatusCode::OK, &body))
        .ok_or_else(|| Scim(ScimError::not_found(format!("No schema {id}."))))
}
