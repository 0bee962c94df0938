/** The version the API documents state: the version of @switchboard/contracts (a test keeps them equal). */
export const ApiDocsVersion = '0.1.0';
