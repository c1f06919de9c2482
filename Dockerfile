# Multi-stage build of a static vbo365_exporter onto a minimal non-root image.
#   docker build -t vbo365_exporter .
#   docker run -p 9924:9924 -v /etc/vbo365_exporter:/etc/vbo365_exporter:ro vbo365_exporter
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.0.0
ARG REVISION=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w \
        -X github.com/prometheus/common/version.Version=${VERSION} \
        -X github.com/prometheus/common/version.Revision=${REVISION} \
        -X github.com/prometheus/common/version.BuildUser=docker \
        -X github.com/prometheus/common/version.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
      -o /out/vbo365_exporter .

# distroless/static has CA certificates and no shell; nonroot is UID 65532.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="vbo365_exporter" \
      org.opencontainers.image.description="Prometheus exporter for Veeam Backup for Microsoft 365" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/vbo365_exporter /bin/vbo365_exporter
COPY config.yml /etc/vbo365_exporter/config.yml
USER nonroot:nonroot
EXPOSE 9924
ENTRYPOINT ["/bin/vbo365_exporter"]
CMD ["--config.file=/etc/vbo365_exporter/config.yml"]
