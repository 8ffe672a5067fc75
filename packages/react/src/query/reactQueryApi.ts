// The react-query hooks the /query entry uses, imported once: esbuild (and so tsup's output) keeps
// one `import … from '@tanstack/react-query'` statement per importing module, which costs the
// /query budget; importing them through this one module gives the bundle a single statement.
export { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
