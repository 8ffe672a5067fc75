import { render } from '@testing-library/react';
import { useState, version } from 'react';
import { version as domVersion } from 'react-dom';
import { describe, expect, it } from 'vitest';

// Run by the react18 project only: proves its tests really render with React 18.
describe('the React 18 run', () => {
  it('uses React 18 for our code, react-dom and @testing-library/react', () => {
    expect(version).toMatch(/^18\./);
    expect(domVersion).toMatch(/^18\./);
    function Hooked() {
      const [value] = useState('rendered by one React');
      return <p>{value}</p>;
    }
    const { getByText } = render(<Hooked />);
    expect(getByText('rendered by one React')).toBeTruthy();
  });
});
