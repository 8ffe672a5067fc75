// The React APIs the main entry's hooks use, imported once: esbuild (and so tsup's output) keeps
// one `import … from 'react'` statement per importing module, which costs the size budget
// ~130 B min+gzip; importing them through this one module gives the bundle a single statement.
export {
  createContext,
  createElement,
  useContext,
  useEffect,
  useInsertionEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
