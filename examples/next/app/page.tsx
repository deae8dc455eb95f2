export default function Page() {
  return <main>Alaya chat</main>;
}
