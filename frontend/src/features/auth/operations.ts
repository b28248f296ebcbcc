import { graphql } from '../../gql';

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      viewer {
        user {
          id
          displayName
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

export const PasswordResetRequestMutation = graphql(`
  mutation PasswordResetRequest($input: PasswordResetRequestInput!) {
    passwordResetRequest(input: $input) {
      accepted
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const PasswordResetMutation = graphql(`
  mutation PasswordReset($input: PasswordResetInput!) {
    passwordReset(input: $input) {
      success
      userErrors {
        field
        code
        message
      }
    }
  }
`);
