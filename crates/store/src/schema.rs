// One portable schema for SQLite and PostgreSQL: ids are BIGINT, timestamps are UTC without zone.

diesel::table! {
    organizations (id) {
        id -> BigInt,
        name -> Text,
        invitation_ttl_days -> Integer,
        sso_enforced -> Bool,
        created_at -> Timestamp,
        reminders_enabled -> Bool,
        reminder_after_days -> Text,
        reminder_before_expiry_days -> Nullable<Integer>,
        resend_grace_hours -> Integer,
        expired_link -> Text,
        seat_limit -> Nullable<BigInt>,
        time_zone -> Text,
        scim_provisioning -> Text,
    }
}

diesel::table! {
    departments (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_groups (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        provisioned -> Bool,
        external_id -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        organization_id -> BigInt,
        email -> Text,
        email_folded -> Text,
        password_hash -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        role -> Text,
        department_id -> Nullable<BigInt>,
        status -> Text,
        created_at -> Timestamp,
        sso_subject -> Nullable<Text>,
        deactivated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    courses (id) {
        id -> BigInt,
        organization_id -> BigInt,
        title -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    enrollments (id) {
        id -> BigInt,
        user_id -> BigInt,
        course_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        organization_id -> BigInt,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        organization_id -> BigInt,
        email -> Text,
        email_folded -> Text,
        role -> Text,
        department_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        token_hash -> Text,
        status -> Text,
        expires_at -> Timestamp,
        invited_by -> Nullable<BigInt>,
        sent_at -> Timestamp,
        send_count -> Integer,
        accepted_at -> Nullable<Timestamp>,
        accepted_user_id -> Nullable<BigInt>,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        import_id -> Nullable<BigInt>,
        send_at -> Nullable<Timestamp>,
        sealed_token -> Nullable<Text>,
        reminders_enabled -> Bool,
        reminders_sent -> Integer,
        last_reminded_at -> Nullable<Timestamp>,
        next_reminder_at -> Nullable<Timestamp>,
        renewal_requested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitation_courses (invitation_id, course_id) {
        invitation_id -> BigInt,
        course_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> BigInt,
        organization_id -> BigInt,
        invitation_id -> BigInt,
        recipient -> Text,
        sealed_token -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        kind -> Text,
    }
}

diesel::table! {
    idempotency_keys (organization_id, key) {
        organization_id -> BigInt,
        key -> Text,
        request_hash -> Text,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        token_prefix -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        read_only -> Bool,
    }
}

diesel::joinable!(departments -> organizations (organization_id));
diesel::joinable!(user_groups -> organizations (organization_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(users -> departments (department_id));
diesel::joinable!(courses -> organizations (organization_id));
diesel::joinable!(enrollments -> users (user_id));
diesel::joinable!(enrollments -> courses (course_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(invitations -> departments (department_id));
diesel::joinable!(invitations -> user_groups (group_id));
// The inviter (not a foreign key: see the migration).
diesel::joinable!(invitations -> users (invited_by));
diesel::joinable!(invitation_courses -> invitations (invitation_id));
diesel::joinable!(invitation_courses -> courses (course_id));
diesel::joinable!(email_outbox -> invitations (invitation_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    departments,
    user_groups,
    member_groups,
    users,
    courses,
    enrollments,
    invitations,
    invitation_courses,
    email_outbox,
    api_tokens,
);

diesel::table! {
    invitation_retired_tokens (token_hash) {
        token_hash -> Text,
        invitation_id -> BigInt,
        retired_at -> Timestamp,
        usable_until -> Nullable<Timestamp>,
        organization_id -> BigInt,
    }
}

diesel::joinable!(invitation_retired_tokens -> invitations (invitation_id));
diesel::allow_tables_to_appear_in_same_query!(invitation_retired_tokens, invitations);

diesel::table! {
    invitation_imports (id) {
        id -> BigInt,
        organization_id -> BigInt,
        created_by -> Nullable<BigInt>,
        source -> Text,
        filename -> Nullable<Text>,
        header -> Text,
        total -> Integer,
        valid -> Integer,
        invalid -> Integer,
        status -> Text,
        skip_invalid -> Nullable<Bool>,
        created_count -> Nullable<Integer>,
        skipped_count -> Nullable<Integer>,
        idempotency_key -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        mode -> Text,
        updated_count -> Nullable<Integer>,
        deactivated_count -> Nullable<Integer>,
        reactivated_count -> Nullable<Integer>,
        column_map -> Nullable<Text>,
        check_state -> Nullable<Text>,
        checked_rows -> Integer,
        check_error -> Nullable<Text>,
    }
}

diesel::table! {
    import_column_maps (organization_id, header_key) {
        organization_id -> BigInt,
        header_key -> Text,
        column_map -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invitation_import_rows (import_id, line) {
        import_id -> BigInt,
        line -> BigInt,
        email -> Text,
        first_name -> Text,
        last_name -> Text,
        role -> Text,
        department -> Text,
        group_name -> Text,
        valid -> Bool,
        errors -> Text,
        send_at -> Text,
        status -> Text,
        action -> Text,
        changes -> Text,
        organization_id -> BigInt,
    }
}

diesel::joinable!(invitation_import_rows -> invitation_imports (import_id));
diesel::allow_tables_to_appear_in_same_query!(invitation_import_rows, invitation_imports);

diesel::table! {
    sso_providers (organization_id) {
        organization_id -> BigInt,
        issuer -> Text,
        client_id -> Text,
        client_secret_sealed -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sso_requests (id) {
        id -> BigInt,
        state_hash -> Text,
        organization_id -> BigInt,
        invitation_token_hash -> Nullable<Text>,
        user_id -> Nullable<BigInt>,
        browser_key_hash -> Text,
        nonce -> Text,
        code_verifier -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(sso_providers -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(sso_providers, organizations);
diesel::allow_tables_to_appear_in_same_query!(sso_providers, users);

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> BigInt,
        organization_id -> BigInt,
        method -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users);

diesel::table! {
    rate_limit_windows (key_hash) {
        key_hash -> Text,
        window_start -> Timestamp,
        count -> Integer,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        organization_id -> BigInt,
        occurred_at -> Timestamp,
        action -> Text,
        actor_type -> Text,
        actor_id -> Nullable<BigInt>,
        actor_name -> Nullable<Text>,
        target_type -> Nullable<Text>,
        target_id -> Nullable<BigInt>,
        target_email -> Nullable<Text>,
        target_email_folded -> Nullable<Text>,
        invitation_id -> Nullable<BigInt>,
        import_id -> Nullable<BigInt>,
        request_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(events, invitations);

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        organization_id -> BigInt,
        url -> Text,
        description -> Text,
        events -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        secret_sealed -> Text,
        previous_secret_sealed -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        notify_pending -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_messages (id) {
        id -> BigInt,
        organization_id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        organization_id -> BigInt,
        message_id -> BigInt,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> Integer,
        response_excerpt -> Nullable<Text>,
        error -> Nullable<Text>,
        manual -> Bool,
    }
}

diesel::joinable!(webhook_messages -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_messages (message_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    webhook_messages,
    webhook_attempts,
    events
);

diesel::table! {
    /// The user groups a member belongs to (several; an invitation carries at most one).
    member_groups (user_id, group_id) {
        organization_id -> BigInt,
        user_id -> BigInt,
        group_id -> BigInt,
    }
}

diesel::joinable!(member_groups -> users (user_id));
diesel::joinable!(member_groups -> user_groups (group_id));

diesel::table! {
    /// Bearer tokens of identity providers provisioning an organization through SCIM.
    scim_tokens (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        token_prefix -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    scim_users (id) {
        id -> BigInt,
        organization_id -> BigInt,
        email -> Text,
        email_folded -> Text,
        external_id -> Nullable<Text>,
        display_name -> Nullable<Text>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        department -> Nullable<Text>,
        active -> Bool,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    scim_group_invitees (group_id, scim_user_id) {
        group_id -> BigInt,
        scim_user_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::joinable!(scim_group_invitees -> scim_users (scim_user_id));
diesel::joinable!(scim_group_invitees -> user_groups (group_id));
diesel::allow_tables_to_appear_in_same_query!(scim_users, scim_group_invitees);
diesel::allow_tables_to_appear_in_same_query!(scim_users, user_groups);
diesel::allow_tables_to_appear_in_same_query!(scim_users, member_groups);
diesel::allow_tables_to_appear_in_same_query!(scim_users, users);
diesel::allow_tables_to_appear_in_same_query!(scim_users, invitations);
diesel::allow_tables_to_appear_in_same_query!(scim_users, departments);
diesel::allow_tables_to_appear_in_same_query!(scim_group_invitees, user_groups);
diesel::allow_tables_to_appear_in_same_query!(scim_group_invitees, member_groups);
diesel::allow_tables_to_appear_in_same_query!(scim_group_invitees, users);
diesel::allow_tables_to_appear_in_same_query!(scim_group_invitees, invitations);
diesel::allow_tables_to_appear_in_same_query!(scim_group_invitees, departments);

// The import history counts each import's emails by status.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    invitations::import_id,
    email_outbox::status
);
