/** The schema the queries read unless told otherwise: the projection's live schema. */
export const LIVE_SCHEMA = "files";
