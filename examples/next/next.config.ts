import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The dev-mode "N" badge sits over the composer on a phone-sized screen.
  devIndicators: false,
};

export default nextConfig;
