import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the committed schema. `npm run codegen:check` regenerates into a temp
// directory and fails when src/gql differs (stale generated code).
const out = process.env.CODEGEN_OUT ?? 'src/gql/';

const config: CodegenConfig = {
  schema: '../backend/schema/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    [out]: {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', Upload: 'File' },
        skipTypename: false,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
