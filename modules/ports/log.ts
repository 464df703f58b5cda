/** Log port: one line of text per event. Device: print; host: console or a list. */
export type LogLine = (line: string) => void;
