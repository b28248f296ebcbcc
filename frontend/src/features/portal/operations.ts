import { graphql } from '../../gql';

export const PortalPriorityLevel = graphql(`
  fragment PortalPriorityLevel on PriorityLevel {
    key
    name
    rank
  }
`);

export const PortalPriorityScheme = graphql(`
  fragment PortalPriorityScheme on PriorityScheme {
    key
    name
    customerMayChoose
    levels {
      ...PortalPriorityLevel
    }
    matrix {
      urgency
      impact
      priority {
        ...PortalPriorityLevel
      }
    }
  }
`);

/** The portal home and category pages: categories with their request types. */
export const PortalQuery = graphql(`
  query Portal {
    portal {
      name
      categories {
        id
        name
        description
        position
        requestTypes {
          id
          name
          description
          icon
          issueType
        }
      }
    }
  }
`);

export const PortalFormField = graphql(`
  fragment PortalFormField on FormField {
    __typename
    id
    key
    kind
    label
    helpText
    required
    position
    defaultValue
    conditions {
      effect
      fieldKey
      operator
      values
    }
    ... on TextField {
      minLength
      maxLength
      pattern
    }
    ... on TextareaField {
      minLength
      maxLength
    }
    ... on EmailField {
      minLength
      maxLength
    }
    ... on UrlField {
      minLength
      maxLength
    }
    ... on NumberField {
      min
      max
      integerOnly
    }
    ... on DateField {
      dateMin: min
      dateMax: max
    }
    ... on DateTimeField {
      dateTimeMin: min
      dateTimeMax: max
    }
    ... on SelectField {
      options {
        value
        label
      }
    }
    ... on MultiSelectField {
      multiOptions: options {
        value
        label
      }
      minSelected
      maxSelected
    }
    ... on AttachmentField {
      maxFiles
      maxFileSize
    }
  }
`);

/** One request type's form, and the scheme that decides the priority. */
export const RequestTypeFormQuery = graphql(`
  query RequestTypeForm($id: ID!) {
    node(id: $id) {
      __typename
      ... on RequestType {
        id
        name
        description
        icon
        issueType
        archived
        formVersion
        asksUrgencyAndImpact
        defaultPriority {
          ...PortalPriorityLevel
        }
        category {
          id
          name
        }
        fields {
          ...PortalFormField
        }
      }
    }
    portal {
      priorityScheme {
        ...PortalPriorityScheme
      }
    }
  }
`);

/** People of an organisation, for the participants picker and USER fields. */
export const PortalPeopleQuery = graphql(`
  query PortalOrganisationPeople($id: ID!) {
    node(id: $id) {
      __typename
      ... on Organisation {
        id
        name
        members(first: 100) {
          nodes {
            id
            role
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

export const RequestSubmitMutation = graphql(`
  mutation RequestSubmit($input: RequestSubmitInput!) {
    requestSubmit(input: $input) {
      request {
        id
        reference
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);
