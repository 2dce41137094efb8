//! Typed ids of the aggregates. Stored as `BIGINT`; serialized as plain numbers.

use crate::sql::id_type;

id_type!(
    /// An organization (tenant).
    OrganizationId,
    /// A member of an organization (a row of `users`).
    MemberId,
    InvitationId,
    /// An import: a CSV upload or a JSON batch.
    ImportId,
    DepartmentId,
    GroupId,
    CourseId,
    ApiTokenId,
    /// An event of the activity log.
    EventId,
);
