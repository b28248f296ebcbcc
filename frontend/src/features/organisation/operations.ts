import { graphql } from '../../gql';

export const OrganisationQuery = graphql(`
  query OrganisationPage($id: ID!) {
    node(id: $id) {
      __typename
      ... on Organisation {
        id
        name
        superUserCap
        createdAt
        superUsers: members(role: SUPER_USER, first: 0) {
          totalCount
        }
        members(first: 100) {
          totalCount
          pageInfo {
            hasNextPage
          }
          nodes {
            id
            role
            createdAt
            user {
              id
              displayName
              email
              isActive
            }
          }
        }
      }
    }
  }
`);

export const MemberAddMutation = graphql(`
  mutation OrganisationMemberAdd($input: OrganisationMemberAddInput!) {
    organisationMemberAdd(input: $input) {
      membership {
        id
        role
        user {
          id
          displayName
          email
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const MemberRemoveMutation = graphql(`
  mutation OrganisationMemberRemove($input: OrganisationMemberRemoveInput!) {
    organisationMemberRemove(input: $input) {
      removedMembershipId
      organisation {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const MemberUpdateMutation = graphql(`
  mutation OrganisationMemberUpdate($input: OrganisationMemberUpdateInput!) {
    organisationMemberUpdate(input: $input) {
      membership {
        id
        role
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);
