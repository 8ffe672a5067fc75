/** No live query here: `@roomkit/react/query` needs react-query, which this app does not install. */
export function LiveItems() {
  return null;
}
