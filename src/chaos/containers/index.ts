/**
 * The containers environment: the same ChaosEnvironment as the embedded one,
 * on a Docker-compatible engine through Testcontainers (Postgres, MinIO and
 * Toxiproxy containers; process faults as container kill/stop/pause).
 */
export { ContainersEnvironment } from "./containers-env.ts";
export { StartedContainersEnvironment } from "./started-containers-env.ts";
export { ContainerFaultLibrary } from "./container-fault-library.ts";
export { killContainer, stopContainer, pauseContainer } from "./container-faults.ts";
export { ServiceContainer, type ContainerState } from "./service-container.ts";
export {
  containerEngineAvailable,
  useContainerEngine,
  listLabelledContainers,
  listLabelledNetworks,
  displayHost,
  ContainerEngineUnavailableError,
  SUITE_LABEL,
  DEFAULT_SETUP_STATE_DIR,
  SETUP_STATE_DIR_ENV,
  type ContainerEngine,
  type EngineAvailability,
  type EngineContainer,
} from "./container-engine.ts";
export {
  resolveContainerImages,
  isLocalOnly,
  OFFICIAL_IMAGES,
  LOCAL_IMAGES,
  IMAGE_ENV,
  ImageConfigError,
  type ContainerImages,
  type ImageSet,
} from "./images.ts";
export { TOXIPROXY_API_PORT, TOXIPROXY_PROXY_PORTS } from "./toxiproxy-container.ts";
