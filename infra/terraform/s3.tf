locals {
  bucket_name = coalesce(var.bucket_name, "${var.name}-midi-${data.aws_caller_identity.current.account_id}")
}

# The MIDI files the pipeline reads.
resource "aws_s3_bucket" "midi" {
  bucket = local.bucket_name
}

resource "aws_s3_bucket_ownership_controls" "midi" {
  bucket = aws_s3_bucket.midi.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "midi" {
  bucket                  = aws_s3_bucket.midi.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "midi" {
  bucket = aws_s3_bucket.midi.id
  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-S3: encrypted at rest without a KMS key the pipeline role would also need grants on.
resource "aws_s3_bucket_server_side_encryption_configuration" "midi" {
  bucket = aws_s3_bucket.midi.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Versioning keeps overwritten files; forget them after a month.
resource "aws_s3_bucket_lifecycle_configuration" "midi" {
  bucket = aws_s3_bucket.midi.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.midi]
}

data "aws_iam_policy_document" "midi_tls_only" {
  statement {
    sid       = "DenyPlainHttp"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.midi.arn, "${aws_s3_bucket.midi.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "midi" {
  bucket     = aws_s3_bucket.midi.id
  policy     = data.aws_iam_policy_document.midi_tls_only.json
  depends_on = [aws_s3_bucket_public_access_block.midi]
}

# IRSA: the extraction pods' service account may list and read the MIDI
# files, nothing else: no writes, no other bucket.
data "aws_iam_policy_document" "pipeline_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.pipeline_namespace}:${var.pipeline_service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "pipeline" {
  name               = "${var.name}-pipeline-s3-read"
  assume_role_policy = data.aws_iam_policy_document.pipeline_assume.json
}

data "aws_iam_policy_document" "pipeline_s3_read" {
  statement {
    sid       = "ListMidiKeys"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.midi.arn]

    dynamic "condition" {
      for_each = var.midi_prefix == "" ? [] : [var.midi_prefix]
      content {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["${condition.value}*"]
      }
    }
  }

  statement {
    sid       = "ReadMidiObjects"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.midi.arn}/${var.midi_prefix}*"]
  }
}

resource "aws_iam_role_policy" "pipeline_s3_read" {
  name   = "s3-read-midi"
  role   = aws_iam_role.pipeline.id
  policy = data.aws_iam_policy_document.pipeline_s3_read.json
}
