import { graphql } from '../../gql';

/** Everything any overview column shows; the query and the live subscription share it. */
export const OverviewRowFragment = graphql(`
  fragment OverviewRow on Request {
    id
    reference
    summary
    status
    priorityKey
    priorityRank
    priority {
      key
      name
      rank
    }
    visibility
    dueAt
    createdAt
    updatedAt
    reporter {
      id
      displayName
    }
    assignee {
      id
      displayName
    }
    requestType {
      id
      name
    }
    organisation {
      id
      name
    }
    participants {
      id
      displayName
    }
  }
`);

export const RequestsOverviewQuery = graphql(`
  query RequestsOverview(
    $filter: RequestFilter
    $orderBy: [RequestOrder!]
    $first: Int
    $after: String
  ) {
    requests(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...OverviewRow
      }
    }
  }
`);

/** The choices of the filter bar and the viewer's saved columns. */
export const OverviewOptionsQuery = graphql(`
  query OverviewOptions {
    viewer {
      user {
        id
      }
      overviewColumns
    }
    portal {
      categories {
        id
        name
        requestTypes {
          id
          name
        }
      }
    }
    organisations(first: 100) {
      nodes {
        id
        name
      }
    }
  }
`);

export const OverviewColumnsSetMutation = graphql(`
  mutation OverviewColumnsSet($input: OverviewColumnsSetInput!) {
    overviewColumnsSet(input: $input) {
      columns
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const RequestsChangedSubscription = graphql(`
  subscription RequestsChanged($filter: RequestFilter) {
    requestsChanged(filter: $filter) {
      kind
      requestId
      eventId
      request {
        ...OverviewRow
      }
    }
  }
`);
