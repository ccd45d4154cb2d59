/** The one-time message a redirect leaves for the next page: read once, then gone. */
export function takeFlash(req: { session: { flash?: { kind: string; message: string } } }) {
  const flash = req.session.flash;
  delete req.session.flash;
  return flash ?? null;
}
