/** Identity of the pretend AWS account every local stand-in lives in. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '123456789012';
export const LOCAL_PARTITION = 'aws';
/** Stand-ins do not check signatures; the SDK still needs something to sign with. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
