export function CamerasPage() {
  return <div className="page-pad">CamerasPage</div>;
}
