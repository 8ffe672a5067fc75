// `@roomkit/ui/query`: the parts that need @tanstack/react-query, kept out of the main entry so
// apps without it can use every component.
export { QueryChatHistory } from './QueryChatHistory';
