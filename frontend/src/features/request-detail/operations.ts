import { graphql } from '../../gql';

/** Every kind of timeline event, as the page renders it (query and subscription alike). */
export const TimelineEventFragment = graphql(`
  fragment TimelineEventItem on TimelineEvent {
    __typename
    id
    kind
    createdAt
    actor {
      id
      displayName
    }
    ... on RequestCreatedEvent {
      summary
    }
    ... on CommentAddedEvent {
      internal
      comment {
        id
        body
        internal
        createdAt
        author {
          id
          displayName
        }
        attachments {
          id
          filename
          size
          contentType
          downloadUrl
        }
      }
    }
    ... on StatusChangedEvent {
      fromStatus
      toStatus
      automatic
      reason
    }
    ... on AssignedEvent {
      fromAssignee {
        id
        displayName
      }
      toAssignee {
        id
        displayName
      }
    }
    ... on PriorityChangedEvent {
      fromPriority
      toPriority
      reason
    }
    ... on VisibilityChangedEvent {
      fromVisibility
      toVisibility
    }
    ... on ParticipantAddedEvent {
      user {
        id
        displayName
      }
    }
    ... on ParticipantRemovedEvent {
      user {
        id
        displayName
      }
    }
    ... on FieldChangedEvent {
      key
      label
      oldValue
      newValue
    }
    ... on AttachmentAddedEvent {
      filename
      attachment {
        id
        filename
        size
        downloadUrl
      }
    }
    ... on EscalatedEvent {
      fromStatus
      reason
    }
    ... on CancelledEvent {
      fromStatus
      reason
    }
    ... on ReopenedEvent {
      fromStatus
      reason
    }
  }
`);

/** The request itself: header, fields, people and what the viewer may do. */
export const RequestDetailFragment = graphql(`
  fragment RequestDetailFields on Request {
    id
    reference
    summary
    description
    status
    priorityKey
    priority {
      key
      name
      rank
    }
    urgency
    impact
    visibility
    dueAt
    createdAt
    updatedAt
    externalReference
    formVersion
    notificationsEnabled
    reporter {
      id
      displayName
      email
    }
    assignee {
      id
      displayName
    }
    team {
      id
      name
    }
    organisation {
      id
      name
    }
    requestType {
      id
      name
      icon
    }
    participants {
      id
      displayName
      email
      role
    }
    fields {
      key
      label
      value
      field {
        id
        kind
        ... on SelectField {
          options {
            value
            label
          }
        }
        ... on MultiSelectField {
          options {
            value
            label
          }
        }
      }
    }
    attachments {
      id
      filename
      size
      contentType
      downloadUrl
    }
    availableTransitions {
      name
      toStatus
    }
    viewerCan {
      comment
      share
      cancel
      reopen
      escalate
      transition
      assign
    }
  }
`);

export const RequestDetailQuery = graphql(`
  query RequestDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on Request {
        ...RequestDetailFields
        timeline(first: 100) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ...TimelineEventItem
          }
        }
      }
    }
  }
`);

export const RequestTimelineSubscription = graphql(`
  subscription RequestTimeline($requestId: ID!, $after: ID) {
    requestTimeline(requestId: $requestId, after: $after) {
      ...TimelineEventItem
    }
  }
`);

/** People for the share dialog (the request's organisation) and the agent controls. */
export const OrganisationPeopleQuery = graphql(`
  query DetailSharePeople($id: ID!) {
    node(id: $id) {
      __typename
      ... on Organisation {
        id
        members(first: 100) {
          nodes {
            id
            user {
              id
              displayName
              email
            }
          }
        }
      }
    }
  }
`);

export const AgentOptionsQuery = graphql(`
  query AgentOptions {
    users(role: AGENT, first: 100) {
      nodes {
        id
        displayName
        email
      }
    }
    portal {
      priorityScheme {
        key
        levels {
          key
          name
          rank
        }
      }
    }
  }
`);

export const CommentAddMutation = graphql(`
  mutation RequestCommentAdd($input: RequestCommentAddInput!) {
    requestCommentAdd(input: $input) {
      comment {
        id
      }
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const AttachmentUploadMutation = graphql(`
  mutation DetailAttachmentUpload($input: AttachmentUploadInput!) {
    attachmentUpload(input: $input) {
      attachment {
        id
        filename
        size
        contentType
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const ShareMutation = graphql(`
  mutation RequestShare($input: RequestShareInput!) {
    requestShare(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const NotificationsSetMutation = graphql(`
  mutation RequestNotificationsSet($input: RequestNotificationsSetInput!) {
    requestNotificationsSet(input: $input) {
      request {
        id
        notificationsEnabled
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const CancelMutation = graphql(`
  mutation RequestCancel($input: RequestCancelInput!) {
    requestCancel(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const ReopenMutation = graphql(`
  mutation RequestReopen($input: RequestReopenInput!) {
    requestReopen(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const EscalateMutation = graphql(`
  mutation RequestEscalate($input: RequestEscalateInput!) {
    requestEscalate(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const TransitionMutation = graphql(`
  mutation RequestTransition($input: RequestTransitionInput!) {
    requestTransition(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const AssignMutation = graphql(`
  mutation RequestAssign($input: RequestAssignInput!) {
    requestAssign(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const PrioritySetMutation = graphql(`
  mutation RequestPrioritySet($input: RequestPrioritySetInput!) {
    requestPrioritySet(input: $input) {
      request {
        ...RequestDetailFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);
