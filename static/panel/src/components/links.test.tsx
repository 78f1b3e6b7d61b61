import { fake } from '../test/fake-bridge';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalLink, MaybeLink } from './links';

const TRAIL = 'https://app.kosli.com/acme/flows/shop-release/trails/10001';

beforeEach(() => {
  fake.reset();
});

afterEach(() => {
  cleanup();
});

describe('an external link', () => {
  it('is handed to the host as a new tab (router.open), not opened by the iframe', async () => {
    render(<ExternalLink href={TRAIL}>Kosli release trail</ExternalLink>);
    const link = screen.getByRole('link', { name: /Kosli release trail/ });
    expect(link.getAttribute('href')).toBe(TRAIL);
    expect(link.getAttribute('target')).toBeNull();

    await userEvent.click(link);

    expect(fake.world.navigations).toEqual([{ url: TRAIL, type: 'new-tab' }]);
  });

  it('is plain text when there is no address', () => {
    render(<MaybeLink href={null}>1111111</MaybeLink>);
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.getByText('1111111')).toBeTruthy();
  });
});
