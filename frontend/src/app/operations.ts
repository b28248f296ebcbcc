import { graphql } from '../gql';

/** Who is signed in, with their organisations; null when signed out. */
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      user {
        id
        displayName
        email
        role
      }
      memberships {
        id
        role
        organisation {
          id
          name
        }
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout(input: { everywhere: false }) {
      signedOut
      userErrors {
        field
        code
        message
      }
    }
  }
`);
